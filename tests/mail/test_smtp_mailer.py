"""SmtpMailer against a real local SMTP server (aiosmtpd)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from newsletter.mail import MailError
from newsletter.mail.smtp import SmtpMailer, SmtpSettings, parse_smtp_url
from tests.stubs.smtp_server import SmtpServer, self_signed_tls


def test_url_with_credentials_and_starttls_is_read():
    settings = parse_smtp_url("smtp://apikey:p%40ss@smtp.example.com:587?starttls=1")
    assert settings == SmtpSettings("smtp.example.com", 587, "apikey", "p@ss", False, "require")


def test_smtps_url_defaults_to_port_465_without_starttls():
    settings = parse_smtp_url("smtps://smtp.example.com")
    assert (settings.port, settings.implicit_tls, settings.starttls) == (465, True, "never")


@pytest.mark.parametrize(
    "url", ["http://smtp.example.com", "smtp://", "smtps://h?starttls=1", "smtp://h?starttls=maybe"]
)
def test_malformed_urls_are_refused(url):
    with pytest.raises(ValueError):
        parse_smtp_url(url)


def test_several_sends_reuse_one_connection(smtp_server, digest_message):
    mailer = SmtpMailer(smtp_server.url())
    for reader in ("ada@example.com", "alan@example.com", "grace@example.com"):
        mailer.send(replace(digest_message, to=reader))
    mailer.close()
    assert len(smtp_server.messages) == 3
    assert smtp_server.connections == 1


def test_a_connection_the_server_dropped_is_reopened(smtp_server, digest_message):
    mailer = SmtpMailer(smtp_server.url())
    mailer.send(digest_message)
    smtp_server.disconnect_all()
    mailer.send(replace(digest_message, to="alan@example.com"))
    mailer.close()
    assert [m.rcpt_tos for m in smtp_server.messages] == [["ada@example.com"], ["alan@example.com"]]
    assert smtp_server.connections == 2


def test_send_returns_the_message_id_that_arrives(smtp_server, digest_message):
    mailer = SmtpMailer(smtp_server.url())
    message_id = mailer.send(digest_message)
    mailer.close()
    assert smtp_server.messages[0].message["Message-ID"] == message_id


def test_a_5xx_recipient_refusal_is_permanent_and_the_connection_goes_on(
    smtp_server, digest_message
):
    smtp_server.refuse["gone@example.com"] = "550 5.1.1 No such user"
    mailer = SmtpMailer(smtp_server.url())
    with pytest.raises(MailError) as refused:
        mailer.send(replace(digest_message, to="gone@example.com"))
    mailer.send(digest_message)
    mailer.close()
    assert refused.value.permanent
    assert "550" in str(refused.value)
    assert smtp_server.connections == 1


def test_a_4xx_recipient_refusal_is_transient(smtp_server, digest_message):
    smtp_server.refuse["full@example.com"] = "452 4.2.2 Mailbox full"
    mailer = SmtpMailer(smtp_server.url())
    with pytest.raises(MailError) as refused:
        mailer.send(replace(digest_message, to="full@example.com"))
    mailer.close()
    assert not refused.value.permanent


def test_an_unreachable_server_is_a_transient_error(digest_message):
    server = SmtpServer()  # never started: nothing listens on its port
    with pytest.raises(MailError) as unreachable:
        SmtpMailer(server.url(), timeout=5).send(digest_message)
    assert not unreachable.value.permanent


@pytest.fixture(scope="module")
def tls():
    return self_signed_tls()


def test_credentials_in_the_url_log_in(digest_message):
    with SmtpServer(auth=("newsletter", "s3cret")) as server:
        mailer = SmtpMailer(server.url("newsletter", "s3cret"))
        mailer.send(digest_message)
        mailer.close()
    assert server.messages[0].authenticated_as == "newsletter"


def test_a_wrong_password_is_a_transient_error(digest_message):
    with SmtpServer(auth=("newsletter", "s3cret")) as server:
        with pytest.raises(MailError) as refused:
            SmtpMailer(server.url("newsletter", "guess")).send(digest_message)
    assert not refused.value.permanent
    assert server.messages == []


def test_starttls_on_request_upgrades_before_logging_in(tls, digest_message):
    server_tls, client_tls = tls
    with SmtpServer(auth=("newsletter", "s3cret"), starttls=server_tls) as server:
        mailer = SmtpMailer(
            server.url("newsletter", "s3cret", starttls="1"), ssl_context=client_tls
        )
        mailer.send(digest_message)
        mailer.close()
    assert server.messages[0].authenticated_as == "newsletter"


def test_starttls_off_is_refused_by_a_server_that_requires_it(tls, digest_message):
    server_tls, client_tls = tls
    with SmtpServer(starttls=server_tls) as server:
        with pytest.raises(MailError):
            SmtpMailer(server.url(starttls="0"), ssl_context=client_tls).send(digest_message)
    assert server.messages == []


def test_starttls_required_but_not_offered_fails(smtp_server, digest_message):
    with pytest.raises(MailError):
        SmtpMailer(smtp_server.url(starttls="1")).send(digest_message)
    assert smtp_server.messages == []


def test_smtps_speaks_tls_from_the_first_byte(tls, digest_message):
    server_tls, client_tls = tls
    with SmtpServer(implicit_tls=server_tls) as server:
        mailer = SmtpMailer(server.url(), ssl_context=client_tls)
        mailer.send(digest_message)
        mailer.close()
    assert server.messages[0].rcpt_tos == ["ada@example.com"]
