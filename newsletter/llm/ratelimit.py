"""A requests-per-minute limit per model: one small token bucket per model, shared by threads.

The bucket holds at most `burst` tokens (default 1, so requests are spaced evenly and no minute
ever sees more than the limit plus one) and refills at `per_minute / 60` tokens a second. A caller
takes its token at once, possibly going into debt, and then sleeps outside the lock until that
token is due: callers are served in the order they asked, and none holds the lock while waiting.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable


class TokenBucket:
    def __init__(self, per_minute: float, *, burst: int = 1,
                 clock: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], None] = time.sleep):
        if per_minute <= 0:
            raise ValueError("per_minute must be positive")
        self.rate = per_minute / 60.0
        self.capacity = float(burst)
        self.tokens = float(burst)
        self.clock, self.sleep = clock, sleep
        self.updated = clock()
        self._lock = threading.Lock()

    def acquire(self) -> float:
        """Wait until a request may go; return the seconds waited."""
        with self._lock:
            now = self.clock()
            self.tokens = min(self.capacity, self.tokens + (now - self.updated) * self.rate)
            self.updated = now
            self.tokens -= 1
            wait = -self.tokens / self.rate if self.tokens < 0 else 0.0
        if wait:
            self.sleep(wait)
        return wait


class RateLimiter:
    """One bucket per model, made on first use; `per_minute=None` means no limit."""

    def __init__(self, per_minute: float | None, **bucket_options):
        self.per_minute = per_minute
        self.bucket_options = bucket_options
        self._buckets: dict[str, TokenBucket] = {}
        self._lock = threading.Lock()

    def acquire(self, model: str) -> float:
        if not self.per_minute:
            return 0.0
        with self._lock:
            bucket = self._buckets.get(model)
            if bucket is None:
                bucket = self._buckets[model] = TokenBucket(self.per_minute,
                                                            **self.bucket_options)
        return bucket.acquire()
