"""Retries of one model call: on 429, 5xx, timeouts and lost connections, with backoff that honours
Retry-After.

Done here rather than by litellm's `num_retries`: that one retries every `openai.APIError`
(a 400 too) with no wait between tries, sets the process-wide `litellm.num_retries = None` (unsafe
with threads), and multiplies with the OpenAI SDK's own retries, so the number of calls could not
be known. Here each call is exactly one HTTP request (the caller passes `max_retries=0`), and the
sleep is injectable so tests do not wait.
"""

from __future__ import annotations

import email.utils
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

T = TypeVar("T")
RETRIED_STATUSES = {408, 409, 425, 429} | set(range(500, 600))


@dataclass(frozen=True)
class RetryPolicy:
    """`attempts` tries in all; the wait before try n+1 is Retry-After when the server gave one,
    else `base_delay * 2**(n-1)`, capped at `max_delay`. A Retry-After longer than
    `max_retry_after` ends the tries at once: better the next model than a long stall."""

    attempts: int = 3
    base_delay: float = 1.0
    max_delay: float = 20.0
    max_retry_after: float = 60.0


def call_with_retries(call: Callable[[], T], policy: RetryPolicy,
                      sleep: Callable[[float], None] = time.sleep) -> T:
    """Return `call()`; retry it on a transient error; raise the last error when tries run out."""
    for attempt in range(1, policy.attempts + 1):
        try:
            return call()
        except Exception as error:  # litellm raises its own mapped types for every provider
            delay = retry_delay(error, attempt, policy)
            if delay is None or attempt == policy.attempts:
                raise
            sleep(delay)
    raise AssertionError("unreachable: the loop returns or raises")


def retry_delay(error: Exception, attempt: int, policy: RetryPolicy) -> float | None:
    """Seconds to wait before the next try, or None when this error is not worth retrying."""
    if not is_transient(error):
        return None
    told = retry_after(error)
    if told is not None:
        return told if told <= policy.max_retry_after else None
    return min(policy.base_delay * 2 ** (attempt - 1), policy.max_delay)


def is_transient(error: Exception) -> bool:
    """A rate limit, a server error, a timeout or a lost connection: worth another try."""
    import litellm

    if isinstance(error, (litellm.Timeout, litellm.APIConnectionError)):
        return True
    return getattr(error, "status_code", None) in RETRIED_STATUSES


def retry_after(error: Exception) -> float | None:
    """The server's Retry-After (seconds or an HTTP date), if it sent one."""
    headers = getattr(error, "litellm_response_headers", None)
    if headers is None:
        response = getattr(error, "response", None)
        headers = getattr(response, "headers", None)
    value = headers.get("retry-after") if headers is not None else None
    return parse_retry_after(value) if value else None


def parse_retry_after(value: str, now: float | None = None) -> float | None:
    """Seconds from a Retry-After value: delta-seconds or an HTTP date (RFC 9110 10.2.3)."""
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - (time.time() if now is None else now))
