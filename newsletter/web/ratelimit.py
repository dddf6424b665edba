"""In-process rate limits: one token bucket per key (an IP address, an email address).

A bucket holds up to `capacity` requests and refills at `capacity` per `period` seconds, so a
burst is allowed and a steady flood is not. The buckets live in this process's memory: behind
several worker processes each has its own (see docs: a shared store such as Redis is needed for
one limit across processes). The durable per-address limit on sign-up emails is in
`newsletter.signup`, in the database.
"""

from __future__ import annotations

import math
import threading
import time
from dataclasses import dataclass


class RateLimiter:
    """Token buckets by key; thread-safe (sync routes run in a thread pool)."""

    def __init__(self, capacity: int, period: float, *, clock=time.monotonic,
                 max_keys: int = 100_000) -> None:
        self.capacity, self.rate = capacity, capacity / period
        self._clock, self._max_keys = clock, max_keys
        self._buckets: dict[str, tuple[float, float]] = {}  # key -> (tokens, last update)
        self._lock = threading.Lock()

    def allow(self, key: str) -> bool:
        """Take one token from `key`'s bucket; False (nothing taken) when it is empty."""
        with self._lock:
            now = self._clock()
            tokens = self._tokens(key, now)
            allowed = tokens >= 1
            self._buckets[key] = (tokens - 1 if allowed else tokens, now)
            if len(self._buckets) > self._max_keys:
                self._forget_full(now)
            return allowed

    def retry_after(self, key: str) -> int:
        """Seconds until `key` may make a request again."""
        with self._lock:
            missing = 1 - self._tokens(key, self._clock())
        return max(0, math.ceil(missing / self.rate))

    def _tokens(self, key: str, now: float) -> float:
        tokens, last = self._buckets.get(key, (self.capacity, now))
        return min(self.capacity, tokens + (now - last) * self.rate)

    def _forget_full(self, now: float) -> None:
        # a full bucket is the same as none: dropping them bounds the memory a flood can take
        full = [key for key in self._buckets if self._tokens(key, now) >= self.capacity]
        for key in full:
            del self._buckets[key]


@dataclass
class SignupLimits:
    """The limits of the subscribe form: per client IP and per email address."""

    per_ip: RateLimiter
    per_address: RateLimiter

    @classmethod
    def hourly(cls, per_ip: int, per_address: int) -> SignupLimits:
        return cls(RateLimiter(per_ip, 3600.0), RateLimiter(per_address, 3600.0))
