"""One way to call an outside service (a feed, the language model, SendGrid): retries with an
exponential backoff that honours Retry-After, and token buckets that space requests (the same
buckets limit callers of ours, on the subscribe form). Each adapter says what is transient for
it; nothing here knows a client library.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import itertools
import logging
import math
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

T = TypeVar("T")
SERVER_ERRORS = frozenset(range(500, 600))
_SECONDS = re.compile(r"^\s*\d+(\.\d+)?\s*$")

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Transient:
    """A failure worth another try, as an adapter reads it: why, and the wait the service asked
    for (Retry-After), if it did."""

    reason: str
    retry_after: float | None = None


@dataclass(frozen=True)
class RetryPolicy:
    """`attempts` tries in all; before try n+1 wait the service's Retry-After, else
    `base_delay * 2**(n-1)` capped at `max_delay`. A Retry-After past `max_retry_after` ends the
    tries (the caller moves on), unless `cap_retry_after`: then that wait is capped instead."""

    attempts: int = 3
    base_delay: float = 1.0
    max_delay: float = 20.0
    max_retry_after: float = 60.0
    cap_retry_after: bool = False

    def delay(self, attempt: int, transient: Transient) -> float | None:
        """Seconds to wait after failed try `attempt` (1-based); None: stop trying."""
        told = transient.retry_after
        if told is None:
            return min(self.base_delay * 2 ** (attempt - 1), self.max_delay)
        if told <= self.max_retry_after:
            return told
        return self.max_retry_after if self.cap_retry_after else None


def call_with_retries(call: Callable[[], T], policy: RetryPolicy,
                      transient: Callable[[Exception], Transient | None], *,
                      sleep: Callable[[float], None] = time.sleep,
                      before_wait: Callable[[Transient, float], None] | None = None,
                      what: str = "call") -> T:
    """Return call(); when `transient(error)` names the error, wait as the policy says and try
    again; re-raise the error when it is not transient or the tries are spent. `before_wait`
    may raise to give up instead of waiting (a deadline that the wait would pass)."""
    for attempt in itertools.count(1):
        try:
            return call()
        except Exception as error:
            problem = transient(error)
            wait = policy.delay(attempt, problem) if problem and attempt < policy.attempts else None
            if wait is None:
                raise
            if before_wait is not None:
                before_wait(problem, wait)
            log.warning("%s: %s; retry in %.1f s", what, problem.reason, wait)
            sleep(wait)
    raise AssertionError("unreachable: the loop returns or raises")


def retry_after(value: str | None, now: float | None = None) -> float | None:
    """Seconds a Retry-After value asks to wait (RFC 9110 10.2.3): delta-seconds, decimals
    accepted ("1.5"), or an HTTP date (a past one: 0; one without a zone is GMT). None for
    anything else: "soon", "", None, "-3", "nan", "inf", "1e3"."""
    if not value:
        return None
    if _SECONDS.match(value):
        return float(value)
    try:
        moment = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, OverflowError):
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return max(0.0, moment.timestamp() - (time.time() if now is None else now))


class TokenBucket:
    """`rate` tokens a second, at most `burst` kept; thread-safe. `take()` serves callers that
    wait: the token is taken at once, into debt if need be, and the wait returned, so waiters
    are served in order and none sleeps holding the lock. `try_take()` serves callers we refuse
    instead: no debt."""

    def __init__(self, rate: float, burst: float = 1.0, *,
                 clock: Callable[[], float] = time.monotonic):
        if rate <= 0:
            raise ValueError("rate must be positive")
        self.rate, self.burst, self.clock = rate, float(burst), clock
        self.tokens, self.updated = float(burst), clock()
        self._lock = threading.Lock()

    def take(self) -> float:
        """Take a token; the seconds until it is due (0: now)."""
        with self._lock:
            self._refill()
            self.tokens -= 1
            return -self.tokens / self.rate if self.tokens < 0 else 0.0

    def try_take(self) -> bool:
        """Take a token when one is there; False (nothing taken) when not."""
        with self._lock:
            self._refill()
            if self.tokens < 1:
                return False
            self.tokens -= 1
            return True

    def seconds_to_token(self) -> float:
        with self._lock:
            self._refill()
            return max(0.0, (1 - self.tokens) / self.rate)

    def full(self) -> bool:
        with self._lock:
            self._refill()
            return self.tokens >= self.burst

    def _refill(self) -> None:
        now = self.clock()
        self.tokens = min(self.burst, self.tokens + (now - self.updated) * self.rate)
        self.updated = now


class Buckets:
    """A TokenBucket per key (a host, a model, a client address), made on first use at
    `rate_of(key)` tokens a second (or one number for every key; None: no limit). Past
    `max_keys`, full buckets are forgotten: a full bucket is the same as none, and a flood of
    keys must not take the memory."""

    def __init__(self, rate_of: float | None | Callable[[str], float | None],
                 burst: float = 1.0, *, clock: Callable[[], float] = time.monotonic,
                 max_keys: int = 100_000):
        self.rate_of = rate_of if callable(rate_of) else (lambda _key: rate_of)
        self.burst, self.clock, self.max_keys = burst, clock, max_keys
        self._buckets: dict[str, TokenBucket | None] = {}
        self._lock = threading.Lock()

    def wait(self, key: str, sleep: Callable[[float], None] = time.sleep) -> float:
        """Return once a request for `key` may go (sleeping outside every lock); the seconds
        waited."""
        bucket = self._bucket(key)
        wait = bucket.take() if bucket else 0.0
        if wait:
            sleep(wait)
        return wait

    def allow(self, key: str) -> bool:
        """Take a token for `key`; False (nothing taken) when its bucket is empty."""
        bucket = self._bucket(key)
        return bucket.try_take() if bucket else True

    def retry_after(self, key: str) -> int:
        """Whole seconds until `allow(key)` passes."""
        bucket = self._bucket(key)
        return math.ceil(bucket.seconds_to_token()) if bucket else 0

    def _bucket(self, key: str) -> TokenBucket | None:
        with self._lock:
            if key not in self._buckets:
                if len(self._buckets) >= self.max_keys:
                    self._forget_full()
                rate = self.rate_of(key)
                self._buckets[key] = (TokenBucket(rate, self.burst, clock=self.clock)
                                      if rate else None)
            return self._buckets[key]

    def _forget_full(self) -> None:
        for key in [key for key, bucket in self._buckets.items() if not bucket or bucket.full()]:
            del self._buckets[key]
