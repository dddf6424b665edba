"""A clock the code under test reads and sleeps on, so no test waits."""

from __future__ import annotations


class FakeClock:
    """Call it for the time; `sleep` moves it on and records the wait."""

    def __init__(self, now: float = 0.0):
        self.now, self.sleeps = now, []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds
