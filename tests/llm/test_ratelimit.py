"""The requests-per-minute limit: one token bucket per model, on an injectable clock."""

from newsletter.llm.ratelimit import RateLimiter, TokenBucket
from tests.support.clock import FakeClock


def test_requests_past_the_rate_wait_their_turn_in_order():
    clock, sleeps = FakeClock(), []
    bucket = TokenBucket(60, clock=clock, sleep=sleeps.append)
    waits = [bucket.acquire() for _ in range(3)]
    assert (waits, sleeps) == ([0.0, 1.0, 2.0], [1.0, 2.0])


def test_time_passing_refills_the_bucket_up_to_its_burst():
    clock = FakeClock()
    bucket = TokenBucket(60, burst=2, clock=clock, sleep=lambda s: None)
    bucket.acquire(), bucket.acquire()
    clock.now = 600.0  # ten idle minutes refill only the burst, not 600 requests
    assert [bucket.acquire() for _ in range(3)] == [0.0, 0.0, 1.0]


def test_each_model_has_its_own_limit_and_none_means_no_limit():
    clock, sleeps = FakeClock(), []
    limiter = RateLimiter(6, clock=clock, sleep=sleeps.append)
    limiter.acquire("a"), limiter.acquire("b"), limiter.acquire("a")
    assert sleeps == [10.0]
    assert RateLimiter(None).acquire("a") == 0.0
