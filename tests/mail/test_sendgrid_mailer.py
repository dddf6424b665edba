"""SendGridMailer.send against the local stand-in of the v3 Mail Send API."""

from __future__ import annotations

import pickle
from dataclasses import replace

import pytest

from newsletter.mail import MailError
from newsletter.mail.sendgrid import SendGridMailer
from tests.stubs.smtp_server import free_port

NOW = 1_700_000_000.0


@pytest.fixture
def sleeps():
    return []


@pytest.fixture
def mailer(sendgrid_stub, sleeps):
    return SendGridMailer(
        "SG.test-key",
        api_url=sendgrid_stub.url,
        categories=["digest"],
        sleep=sleeps.append,
        clock=lambda: NOW,
    )


def test_send_returns_the_x_message_id(mailer, sendgrid_stub, digest_message):
    assert mailer.send(digest_message) == sendgrid_stub.accepted[0].message_id


def test_the_request_carries_sender_reply_to_tags_and_categories(
    mailer, sendgrid_stub, digest_message
):
    mailer.send(digest_message)
    body = sendgrid_stub.requests[0].body
    assert body["from"] == {"email": "digest@news.example.org", "name": "Paper Digest"}
    assert body["reply_to"] == {"email": "editors@news.example.org"}
    assert [part["type"] for part in body["content"]] == ["text/plain", "text/html"]
    assert body["custom_args"] == {"edition_id": "42", "delivery_id": "4242"}
    assert body["categories"] == ["digest"]


def test_reserved_headers_travel_as_fields_so_sendgrid_accepts_them(
    mailer, sendgrid_stub, digest_message
):
    headers = {"Reply-To": "editors@news.example.org", "Subject": "ignored", "X-Entity-Ref-ID": "7"}
    mailer.send(replace(digest_message, reply_to=None, headers=headers))
    body = sendgrid_stub.accepted[0].body
    assert body["headers"] == {"X-Entity-Ref-ID": "7"}
    assert body["reply_to"] == {"email": "editors@news.example.org"}


def test_429_waits_until_the_rate_limit_resets(mailer, sendgrid_stub, sleeps, digest_message):
    sendgrid_stub.fail_next(
        2,
        429,
        {
            "X-RateLimit-Limit": "600",
            "X-RateLimit-Remaining": "0",
            "X-RateLimit-Reset": str(int(NOW) + 30),
        },
    )
    message_id = mailer.send(digest_message)
    assert sleeps == [30.0, 30.0]
    assert [request.status for request in sendgrid_stub.requests] == [429, 429, 202]
    assert message_id == sendgrid_stub.accepted[0].message_id


def test_retry_after_is_honoured_on_a_5xx(mailer, sendgrid_stub, sleeps, digest_message):
    sendgrid_stub.fail_next(1, 503, {"Retry-After": "7"})
    mailer.send(digest_message)
    assert sleeps == [7.0]


def test_5xx_without_a_hint_backs_off_exponentially(mailer, sendgrid_stub, sleeps, digest_message):
    sendgrid_stub.fail_next(3, 500)
    mailer.send(digest_message)
    assert sleeps == [1.0, 2.0, 4.0]


def test_it_gives_up_after_the_last_attempt_with_a_transient_error(
    sendgrid_stub, sleeps, digest_message
):
    mailer = SendGridMailer("SG.k", api_url=sendgrid_stub.url, sleep=sleeps.append, max_attempts=3)
    sendgrid_stub.fail_next(5, 500)
    with pytest.raises(MailError) as failure:
        mailer.send(digest_message)
    assert not failure.value.permanent
    assert len(sendgrid_stub.requests) == 3


def test_a_wait_longer_than_max_wait_is_raised_not_slept(
    mailer, sendgrid_stub, sleeps, digest_message
):
    sendgrid_stub.fail_next(1, 429, {"X-RateLimit-Reset": str(int(NOW) + 3600)})
    with pytest.raises(MailError) as failure:
        mailer.send(digest_message)
    assert not failure.value.permanent
    assert sleeps == []


def test_an_invalid_address_is_a_permanent_error(mailer, sendgrid_stub, digest_message):
    with pytest.raises(MailError) as refused:
        mailer.send(replace(digest_message, to="ada at example"))
    assert refused.value.permanent
    assert "personalizations.0.to.0.email" in str(refused.value)


def test_a_refused_api_key_is_not_retried_and_not_permanent(
    mailer, sendgrid_stub, sleeps, digest_message
):
    sendgrid_stub.fail_next(1, 401)
    with pytest.raises(MailError) as refused:
        mailer.send(digest_message)
    assert not refused.value.permanent
    assert sleeps == []


def test_an_unreachable_api_is_a_transient_error(digest_message):
    mailer = SendGridMailer("SG.k", api_url=f"http://127.0.0.1:{free_port()}")
    with pytest.raises(MailError) as unreachable:
        mailer.send(digest_message)
    assert not unreachable.value.permanent


def test_retry_after_may_be_an_http_date(mailer, sendgrid_stub, sleeps, digest_message):
    sendgrid_stub.fail_next(1, 429, {"Retry-After": "Tue, 14 Nov 2023 22:13:40 GMT"})
    mailer.send(digest_message)
    assert sleeps == [20.0]


def test_a_retry_after_that_is_no_time_backs_off_instead_of_raising(
        mailer, sendgrid_stub, sleeps, digest_message):
    sendgrid_stub.fail_next(2, 429, {"Retry-After": "soon", "X-RateLimit-Reset": "later"})
    assert mailer.send(digest_message) == sendgrid_stub.accepted[0].message_id
    assert sleeps == [1.0, 2.0]


def test_a_malformed_retry_after_falls_back_to_the_rate_limit_reset(
        mailer, sendgrid_stub, sleeps, digest_message):
    sendgrid_stub.fail_next(1, 429, {"Retry-After": "soon", "X-RateLimit-Reset": str(NOW + 9)})
    mailer.send(digest_message)
    assert sleeps == [9.0]


@pytest.mark.parametrize("value, slept", [
    ("soon", [1.0]), ("-3", [1.0]), ("", [1.0]), ("1e3", [1.0]), ("nan", [1.0]),
    ("Tue, 14 Nov 2023 22:13:40 GMT", [20.0]),  # an HTTP date, 20 s after the clock
    ("Mon, 13 Nov 2023 00:00:00 GMT", [0.0]),  # an HTTP date already past
    ("Tue, 14 Nov 2023 22:13:40", [20.0]),  # an HTTP date without its zone: GMT
])
def test_any_retry_after_is_waited_or_backed_off_never_raised(
        mailer, sendgrid_stub, sleeps, digest_message, value, slept):
    sendgrid_stub.fail_next(1, 429, {"Retry-After": value})
    assert mailer.send(digest_message) == sendgrid_stub.accepted[0].message_id
    assert sleeps == slept


@pytest.mark.parametrize("value", ["9" * 400, "86400", "Fri, 31 Dec 9999 23:59:59 GMT"])
def test_a_huge_retry_after_is_a_transient_mail_error_not_a_crash(
        mailer, sendgrid_stub, sleeps, digest_message, value):
    sendgrid_stub.fail_next(1, 429, {"Retry-After": value})
    with pytest.raises(MailError) as failure:
        mailer.send(digest_message)
    assert not failure.value.permanent and sleeps == []


def test_a_pickled_mailer_sends_the_same_request_on_a_connection_of_its_own(
    sendgrid_stub, digest_message
):
    mailer = SendGridMailer("SG.test-key", api_url=sendgrid_stub.url, categories=["digest"])
    copy = pickle.loads(pickle.dumps(mailer))
    assert copy.portable and copy.endpoint.http is not mailer.endpoint.http
    mailer.send(digest_message)
    copy.send(digest_message)
    first, second = sendgrid_stub.requests
    assert first.body == second.body and first.headers == second.headers
