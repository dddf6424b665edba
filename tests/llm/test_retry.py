"""Retry-After is honoured in both of its forms; only transient errors are retried."""

import email.utils

import pytest

from newsletter.llm.retry import RetryPolicy, call_with_retries, parse_retry_after


def test_retry_after_in_seconds():
    assert parse_retry_after("12") == 12.0


def test_retry_after_as_an_http_date_is_the_time_left_until_then():
    now = 1_800_000_000.0
    assert parse_retry_after(email.utils.formatdate(now + 30, usegmt=True), now=now) == 30.0


def test_a_retry_after_in_the_past_or_malformed_means_no_wait_or_none():
    assert parse_retry_after(email.utils.formatdate(0, usegmt=True)) == 0.0
    assert parse_retry_after("soon") is None


def test_an_error_that_is_not_transient_is_raised_at_the_first_try():
    calls, sleeps = [], []

    def broken():
        calls.append(1)
        raise ValueError("a bug, not an outage")

    with pytest.raises(ValueError):
        call_with_retries(broken, RetryPolicy(attempts=5), sleeps.append)
    assert (len(calls), sleeps) == (1, [])
