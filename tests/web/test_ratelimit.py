"""The token bucket: a burst up to its capacity, then one request per refill interval."""

from newsletter.web.signup_limits import RateLimiter
from tests.support.clock import FakeClock


def test_a_bucket_allows_a_burst_then_refuses():
    limiter = RateLimiter(3, 60.0, clock=FakeClock())
    assert [limiter.allow("a") for _ in range(4)] == [True, True, True, False]


def test_a_bucket_refills_over_time_and_says_when():
    clock = FakeClock()
    limiter = RateLimiter(2, 60.0, clock=clock)
    limiter.allow("a"), limiter.allow("a")
    assert limiter.retry_after("a") == 30
    clock.now = 30.0
    assert limiter.allow("a") and not limiter.allow("a")


def test_keys_have_their_own_buckets():
    limiter = RateLimiter(1, 60.0, clock=FakeClock())
    assert limiter.allow("a") and limiter.allow("b") and not limiter.allow("a")


def test_full_buckets_are_forgotten_when_there_are_too_many_keys():
    clock = FakeClock()
    limiter = RateLimiter(1, 1.0, clock=clock, max_keys=2)
    limiter.allow("a"), limiter.allow("b")
    clock.now = 10.0
    limiter.allow("c")
    assert len(limiter._buckets) == 1
