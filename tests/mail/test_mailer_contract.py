"""Every transport honours the same contract: the message that arrives is the message sent."""

from __future__ import annotations

import email
import email.policy

import pytest

from newsletter.mail.batch import PersonalizedBatch, Recipient, send_batch
from newsletter.mail.outbox import OutboxMailer
from newsletter.mail.sendgrid import SendGridMailer
from newsletter.mail.smtp import SmtpMailer


def _as_received(mime: email.message.EmailMessage) -> dict:
    return {
        "to": mime["To"],
        "subject": mime["Subject"],
        "text": mime.get_body(("plain",)).get_content(),
        "html": mime.get_body(("html",)).get_content(),
        "headers": {name: str(value) for name, value in mime.items()},
    }


def outbox_transport(tmp_path, request):
    def received():
        [eml] = tmp_path.glob("*.eml")
        return _as_received(email.message_from_bytes(eml.read_bytes(), policy=email.policy.default))

    return OutboxMailer(tmp_path), received


def smtp_transport(tmp_path, request):
    server = request.getfixturevalue("smtp_server")
    mailer = SmtpMailer(server.url())
    request.addfinalizer(mailer.close)

    def received():
        [message] = server.messages
        return _as_received(message.message)

    return mailer, received


def sendgrid_transport(tmp_path, request):
    stub = request.getfixturevalue("sendgrid_stub")

    def received():
        [delivered] = stub.emails()
        return delivered

    return SendGridMailer("SG.test-key", api_url=stub.url), received


@pytest.fixture(
    params=[outbox_transport, smtp_transport, sendgrid_transport],
    ids=["outbox", "smtp", "sendgrid"],
)
def transport(request, tmp_path):
    return request.param(tmp_path, request)


def test_send_returns_an_id(transport, digest_message):
    mailer, _ = transport
    assert mailer.send(digest_message).strip()


def test_the_message_arrives_with_its_subject_and_both_parts(transport, digest_message):
    mailer, received = transport
    mailer.send(digest_message)
    arrived = received()
    assert arrived["to"] == "ada@example.com"
    assert arrived["subject"] == digest_message.subject
    assert arrived["text"].strip() == digest_message.text.strip()
    assert arrived["html"].strip() == digest_message.html


def test_the_list_headers_arrive_unchanged(transport, digest_message):
    mailer, received = transport
    mailer.send(digest_message)
    headers = received()["headers"]
    for name in ("List-Unsubscribe", "List-Unsubscribe-Post", "List-Id"):
        assert headers[name] == digest_message.headers[name]


def test_a_message_id_we_set_arrives_as_set(transport, digest_message):
    mailer, received = transport
    digest_message.message_id = "<digest.4242.7@news.example.org>"
    mailer.send(digest_message)
    assert received()["headers"]["Message-ID"] == "<digest.4242.7@news.example.org>"


def test_each_recipient_of_a_batch_gets_the_message_id_given_for_them(transport, digest_message):
    mailer, received = transport
    recipient = Recipient("ada@example.com", message_id="<digest.4242.7@news.example.org>")
    batch = PersonalizedBatch(from_email=digest_message.from_email, subject="Today",
                              text="Hello", html="<p>Hello</p>", recipients=[recipient])
    [result] = send_batch(mailer, batch).results
    assert result.ok
    assert received()["headers"]["Message-ID"] == "<digest.4242.7@news.example.org>"
