"""The one way we call an outside service: Retry-After read the same everywhere, retries of
transient errors only, each adapter's policy, and token buckets on an injectable clock."""

import email.utils

import pytest

from newsletter.outside_calls import (
    Buckets,
    RetryPolicy,
    TokenBucket,
    Transient,
    call_with_retries,
    retry_after,
)
from tests.support.clock import FakeClock

NOW = 1_700_000_000.0


@pytest.mark.parametrize(("value", "seconds"), [
    ("12", 12.0), ("1.5", 1.5), (" 7 ", 7.0),
    (email.utils.formatdate(NOW + 30, usegmt=True), 30.0),
    ("Tue, 14 Nov 2023 22:13:40 GMT", 20.0),  # an HTTP date is the time left until then
    (email.utils.formatdate(0, usegmt=True), 0.0),  # a date past: no wait
    ("soon", None), ("", None), (None, None), ("-3", None), ("nan", None), ("inf", None),
    ("1e3", None),
])
def test_retry_after_is_seconds_or_an_http_date_and_anything_else_is_no_hint(value, seconds):
    assert retry_after(value, now=NOW) == seconds


def test_retry_after_as_an_http_date_is_read_against_the_clock():
    assert retry_after("Wed, 21 Oct 2015 07:28:00 GMT") == 0.0


def test_an_error_that_is_not_transient_is_raised_at_the_first_try():
    calls, sleeps = [], []

    def broken():
        calls.append(1)
        raise ValueError("a bug, not an outage")

    with pytest.raises(ValueError):
        call_with_retries(broken, RetryPolicy(attempts=5), lambda error: None, sleep=sleeps.append)
    assert (len(calls), sleeps) == (1, [])


def failing(times: int, retry_after: float | None = None):
    """A call that fails transiently `times` times, then answers "ok"; and its transient()."""
    calls = []

    def call():
        calls.append(1)
        if len(calls) <= times:
            raise ConnectionError("down")
        return "ok"

    return call, lambda error: Transient("down", retry_after), calls


def test_transient_errors_are_retried_with_a_doubling_backoff_until_the_tries_run_out():
    call, transient, calls = failing(5)
    sleeps = []
    with pytest.raises(ConnectionError):
        call_with_retries(call, RetryPolicy(attempts=3), transient, sleep=sleeps.append)
    assert (len(calls), sleeps) == (3, [1.0, 2.0])


def test_fetch_caps_a_long_retry_after_and_the_model_gives_up_on_it():
    fetch = RetryPolicy(attempts=4, base_delay=2.0, max_delay=60.0, cap_retry_after=True)
    model = RetryPolicy()
    assert fetch.delay(1, Transient("429", 3600.0)) == 60.0
    assert model.delay(1, Transient("429", 3600.0)) is None
    assert [fetch.delay(n, Transient("503")) for n in (1, 2, 3)] == [2.0, 4.0, 8.0]
    call, transient, _ = failing(1, retry_after=3600.0)
    with pytest.raises(ConnectionError):
        call_with_retries(call, model, transient, sleep=lambda seconds: None)


def test_a_caller_may_give_up_instead_of_waiting():
    call, transient, calls = failing(1)

    def no_time_left(problem, wait):
        raise TimeoutError(f"{problem.reason}; no time for {wait}s")

    with pytest.raises(TimeoutError, match="no time for 1.0s"):
        call_with_retries(call, RetryPolicy(), transient, before_wait=no_time_left)
    assert len(calls) == 1


def test_requests_past_the_rate_wait_their_turn_in_order():
    clock, sleeps = FakeClock(), []
    buckets = Buckets(1.0, clock=clock)
    waits = [buckets.wait("model", sleeps.append) for _ in range(3)]
    assert (waits, sleeps) == ([0.0, 1.0, 2.0], [1.0, 2.0])


def test_time_passing_refills_the_bucket_up_to_its_burst():
    clock = FakeClock()
    bucket = TokenBucket(1.0, burst=2, clock=clock)
    bucket.take(), bucket.take()
    clock.now = 600.0  # ten idle minutes refill only the burst, not 600 requests
    assert [bucket.take() for _ in range(3)] == [0.0, 0.0, 1.0]


def test_each_key_has_its_own_bucket_and_none_means_no_limit():
    clock, sleeps = FakeClock(), []
    buckets = Buckets(6 / 60, clock=clock)  # six a minute
    buckets.wait("a", sleeps.append), buckets.wait("b", sleeps.append)
    buckets.wait("a", sleeps.append)
    assert sleeps == [10.0]
    assert Buckets(None).wait("a") == 0.0 and Buckets(None).allow("a")
