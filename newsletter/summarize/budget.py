"""A spending limit in US dollars shared by the threads of one run.

It starts from what was already spent today (the caller reads that from the stored summaries, so
the limit holds across runs) and adds the cost of each call as it comes back. Calls already in
flight when the limit is reached still count, so a day may end past the limit by at most the cost
of `concurrency` calls.
"""

from __future__ import annotations

import threading


class Budget:
    def __init__(self, limit_usd: float | None, spent_usd: float = 0.0):
        self.limit_usd = limit_usd
        self.spent_usd = spent_usd
        self._lock = threading.Lock()

    def exhausted(self) -> bool:
        """True once the spend reached the limit; never with no limit."""
        with self._lock:
            return self.limit_usd is not None and self.spent_usd >= self.limit_usd

    def add(self, cost_usd: float) -> None:
        with self._lock:
            self.spent_usd += cost_usd

