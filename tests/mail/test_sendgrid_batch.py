"""Personalized batches: SendGrid's native path and the one-by-one path of other mailers."""

from __future__ import annotations

import email
import email.policy
import json

import pytest

from newsletter.mail.batch import PersonalizedBatch, Recipient, send_batch_by_one, substitute
from newsletter.mail.outbox import OutboxMailer
from newsletter.mail.sendgrid import SendGridMailer
from newsletter.mail.sendgrid_payload import (
    address,
    batch_requests,
    personalization,
    personalization_json,
    write_personalizations,
)


def reader(number: int, email_address: str | None = None) -> Recipient:
    unsubscribe = f"https://news.example.org/u/{number}"
    return Recipient(
        email=email_address or f"reader{number}@example.com",
        substitutions={
            "-unsubscribe_url-": unsubscribe,
            "-preferences_url-": f"https://news.example.org/p/{number}",
        },
        headers={"List-Unsubscribe": f"<{unsubscribe}>"},
        custom_args={"delivery_id": str(number)},
    )


def digest(recipients: list[Recipient]) -> PersonalizedBatch:
    return PersonalizedBatch(
        from_email="Paper Digest <digest@news.example.org>",
        subject="Today in ML",
        text="Papers...\nUnsubscribe: -unsubscribe_url-\nPreferences: -preferences_url-\n",
        html='<p>Papers</p><a href="-unsubscribe_url-">Unsubscribe</a>',
        recipients=recipients,
        headers={
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            "List-Id": "Paper Digest <digest.news.example.org>",
        },
        categories=["digest"],
        custom_args={"edition_id": "42"},
    )


def sendgrid(stub) -> SendGridMailer:
    return SendGridMailer("SG.test-key", api_url=stub.url, sleep=lambda seconds: None)


def test_2500_recipients_go_in_three_requests(sendgrid_stub):
    result = sendgrid(sendgrid_stub).send_batch(digest([reader(n) for n in range(2500)]))
    sizes = [len(request.body["personalizations"]) for request in sendgrid_stub.requests]
    assert sizes == [1000, 1000, 500]
    assert len(result.sent) == 2500 and result.failed == []
    request_ids = {request.message_id for request in sendgrid_stub.accepted}
    assert {r.message_id for r in result.results} == request_ids


def test_the_requests_of_a_mailer_share_one_kept_alive_connection(sendgrid_stub):
    mailer = sendgrid(sendgrid_stub)
    mailer.send_batch(digest([reader(n) for n in range(2500)]))
    mailer.send_batch(digest([reader(1)]))
    assert len(sendgrid_stub.requests) == 4
    assert len({request.connection for request in sendgrid_stub.requests}) == 1


def test_the_request_is_the_sdks_post_to_mail_send(sendgrid_stub):
    sendgrid(sendgrid_stub).send_batch(digest([reader(1)]))
    [request] = sendgrid_stub.requests
    assert request.path == "/v3/mail/send"
    assert request.headers["Authorization"] == "Bearer SG.test-key"
    assert request.headers["Content-Type"] == "application/json"
    assert request.headers["User-Agent"].startswith("sendgrid/")


@pytest.mark.parametrize("recipient", [
    reader(1),
    Recipient("Ann Lee <ann@example.org>", message_id="<d.1@example.org>",
              substitutions={"-name-": 'Zoë "the" \\ 😀\n'},
              headers={"List-Unsubscribe": "<https://x/u>", "Reply-To": "left-out@example.org"},
              custom_args={"delivery_id": 7, "note": None}),
    Recipient("plain@example.org"),
])
def test_a_personalization_is_written_as_json_dumps_writes_it(recipient):
    assert personalization_json(recipient) == json.dumps(personalization(recipient))


def test_personalizations_written_ahead_are_the_ones_sent(sendgrid_stub):
    recipients = write_personalizations([reader(1), reader(2)])
    assert [r.personalization for r in recipients] == [
        json.dumps(personalization(r)) for r in recipients]
    # a request joins what was written (here a stand-in), it does not encode it again
    recipients[1].personalization = json.dumps(personalization(reader(3)))
    sendgrid(sendgrid_stub).send_batch(digest(recipients))
    assert [e["custom_args"]["delivery_id"] for e in sendgrid_stub.emails()] == ["1", "3"]


def test_each_reader_gets_their_own_links_headers_and_ids(sendgrid_stub):
    sendgrid(sendgrid_stub).send_batch(digest([reader(1), reader(2)]))
    first, second = sendgrid_stub.emails()
    assert "Unsubscribe: https://news.example.org/u/1" in first["text"]
    assert 'href="https://news.example.org/u/2"' in second["html"]
    assert second["headers"]["List-Unsubscribe"] == "<https://news.example.org/u/2>"
    assert second["headers"]["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert second["custom_args"] == {"edition_id": "42", "delivery_id": "2"}


def test_an_invalid_address_fails_alone_and_is_never_sent(sendgrid_stub):
    batch = digest([reader(1), reader(2, "reader2 at example"), reader(3)])
    result = sendgrid(sendgrid_stub).send_batch(batch)
    [failed] = result.failed
    assert failed.email == "reader2 at example" and failed.permanent
    assert sorted(r.email for r in result.sent) == ["reader1@example.com", "reader3@example.com"]
    assert [e["to"] for e in sendgrid_stub.emails()] == [
        "reader1@example.com",
        "reader3@example.com",
    ]


def test_an_address_sendgrid_refuses_fails_alone_and_the_rest_is_resent(sendgrid_stub):
    sendgrid_stub.refused_addresses.add("reader2@example.com")
    result = sendgrid(sendgrid_stub).send_batch(digest([reader(1), reader(2), reader(3)]))
    [failed] = result.failed
    assert failed.email == "reader2@example.com" and failed.permanent
    assert [request.status for request in sendgrid_stub.requests] == [400, 202]
    assert [e["to"] for e in sendgrid_stub.emails()] == [
        "reader1@example.com",
        "reader3@example.com",
    ]


def test_a_repeated_address_is_sent_once(sendgrid_stub):
    result = sendgrid(sendgrid_stub).send_batch(
        digest([reader(1), reader(1, "READER1@example.com")])
    )
    assert [r.email for r in result.failed] == ["READER1@example.com"]
    assert len(sendgrid_stub.emails()) == 1


def test_oversized_custom_args_fail_before_sending(sendgrid_stub):
    bloated = reader(2)
    bloated.custom_args["note"] = "x" * 10_000
    result = sendgrid(sendgrid_stub).send_batch(digest([reader(1), bloated]))
    assert [r.email for r in result.failed] == ["reader2@example.com"]
    assert "custom_args" in result.failed[0].error


def test_a_server_error_that_persists_fails_its_request_transiently(sendgrid_stub):
    sendgrid_stub.fail_next(5, 500)
    result = sendgrid(sendgrid_stub).send_batch(digest([reader(1), reader(2)]))
    assert len(result.failed) == 2
    assert not any(r.permanent for r in result.failed)


def test_requests_are_split_to_stay_under_the_size_limit():
    batch = digest([reader(n) for n in range(10)])
    requests = list(batch_requests(batch, batch.recipients, max_bytes=2_000))
    assert len(requests) > 1
    assert sum(len(recipients) for recipients, _ in requests) == 10
    assert all(len(body) <= 2_000 for _, body in requests)
    sent = [envelope for _, body in requests for envelope in json.loads(body)["personalizations"]]
    assert [envelope["to"] for envelope in sent] == [[{"email": r.email}] for r in batch.recipients]


def test_other_mailers_send_one_expanded_message_per_reader(tmp_path):
    result = send_batch_by_one(OutboxMailer(tmp_path), digest([reader(1), reader(2, "bad@")]))
    [eml] = tmp_path.glob("*.eml")
    message = email.message_from_bytes(eml.read_bytes(), policy=email.policy.default)
    assert "https://news.example.org/u/1" in message.get_body(("plain",)).get_content()
    assert message["List-Unsubscribe"] == "<https://news.example.org/u/1>"
    assert message["List-Id"] == "Paper Digest <digest.news.example.org>"
    assert [r.email for r in result.sent] == ["reader1@example.com"]
    assert [(r.email, r.permanent) for r in result.failed] == [("bad@", True)]


def test_substitution_is_one_pass_so_values_are_never_substituted_again():
    text = substitute("-a- and -b-", {"-a-": "-b-", "-b-": "B"})
    assert text == "-b- and B"


def test_addresses_checked_where_they_came_in_are_not_validated_again(sendgrid_stub, monkeypatch):
    def no_second_validation(email_address):
        raise AssertionError(f"{email_address} validated again")

    monkeypatch.setattr("newsletter.mail.batch.address_problem", no_second_validation)
    batch = digest([reader(1), reader(2)])
    batch.addresses_checked = True
    assert len(sendgrid(sendgrid_stub).send_batch(batch).sent) == 2


def test_substitution_limits_count_json_bytes_not_characters(sendgrid_stub):
    fits, too_big = reader(1), reader(2)
    fits.substitutions["-note-"] = "é" * 1_500  # 9,000 bytes as JSON escapes
    too_big.substitutions["-note-"] = "😀" * 1_000  # 12,000 bytes: an escaped surrogate pair each
    result = sendgrid(sendgrid_stub).send_batch(digest([fits, too_big]))
    assert [r.email for r in result.sent] == ["reader1@example.com"]
    assert [r.email for r in result.failed] == ["reader2@example.com"]
    assert "substitutions" in result.failed[0].error


@pytest.mark.parametrize("value, expected", [
    ("reader1@example.com", {"email": "reader1@example.com"}),
    ("a.b+c@d-e.example", {"email": "a.b+c@d-e.example"}),
    ("Paper Digest <digest@example.org>", {"email": "digest@example.org", "name": "Paper Digest"}),
    (" padded@example.org", {"email": "padded@example.org"}),
])
def test_addresses_become_sendgrid_email_objects(value, expected):
    assert address(value) == expected
