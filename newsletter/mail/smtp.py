"""The SMTP transport: one reusable connection to a relay, configured by one URL.

NEWSLETTER_SMTP_URL takes the form

    smtp://[USER[:PASSWORD]@]HOST[:PORT][?starttls=auto|1|0]    (port 25 by default)
    smtps://[USER[:PASSWORD]@]HOST[:PORT]                       (implicit TLS, port 465)

`starttls=1` requires STARTTLS and fails when the server does not offer it, `auto` (the
default) upgrades when the server offers it, `0` never upgrades. With a user, the mailer logs
in (AUTH) after any TLS upgrade. Percent-encode special characters in the user and password,
e.g. `smtp://apikey:p%40ss@smtp.example.com:587?starttls=1`.
"""

from __future__ import annotations

import smtplib
import ssl
import threading
from dataclasses import dataclass
from email.message import EmailMessage
from urllib.parse import parse_qs, unquote, urlsplit

from newsletter.mail import MailError
from newsletter.mail.message import OutgoingMessage, to_mime

_STARTTLS_MODES = {
    **dict.fromkeys(("1", "true", "require"), "require"),
    "auto": "auto",
    **dict.fromkeys(("0", "false", "never"), "never"),
}


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int
    username: str | None
    password: str | None
    implicit_tls: bool
    starttls: str  # "require", "auto" or "never"


def parse_smtp_url(url: str) -> SmtpSettings:
    """Read an smtp:// or smtps:// URL (see the module docstring). Raises ValueError."""
    parts = urlsplit(url)
    if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
        raise ValueError(f"not an smtp:// or smtps:// URL with a host: {url!r}")
    implicit_tls = parts.scheme == "smtps"
    requested = parse_qs(parts.query).get("starttls", ["never" if implicit_tls else "auto"])[-1]
    starttls = _STARTTLS_MODES.get(requested.lower())
    if starttls is None or (implicit_tls and starttls != "never"):
        raise ValueError(f"starttls={requested!r} does not fit {parts.scheme}://")
    return SmtpSettings(
        host=parts.hostname,
        port=parts.port or (465 if implicit_tls else 25),
        username=unquote(parts.username) if parts.username else None,
        password=unquote(parts.password) if parts.password else None,
        implicit_tls=implicit_tls,
        starttls=starttls,
    )


class SmtpMailer:
    """Sends through an SMTP relay, reusing one connection across sends.

    A connection the server closed while idle is reopened once. A 5xx refusal raises
    MailError(permanent=True); 4xx replies, network errors and a failed login raise
    MailError(permanent=False). Thread-safe; call `close()` when done.
    """

    def __init__(
        self, url: str, *, timeout: float = 30.0, ssl_context: ssl.SSLContext | None = None
    ):
        self.settings = parse_smtp_url(url)
        self.timeout = timeout
        self.ssl_context = ssl_context or ssl.create_default_context()
        self._smtp: smtplib.SMTP | None = None
        self._lock = threading.Lock()

    def send(self, message: OutgoingMessage) -> str:
        """Send one message; return its Message-ID. Raises MailError."""
        mime = to_mime(message)
        with self._lock:
            try:
                self._send_reconnecting(mime)
            except OSError as error:  # smtplib.SMTPException is an OSError too
                if not _connection_survives(error):
                    self._discard()
                raise _mail_error(error) from error
        return mime["Message-ID"]

    def close(self) -> None:
        with self._lock:
            if self._smtp is not None:
                try:
                    self._smtp.quit()
                except OSError:
                    self._smtp.close()
                self._smtp = None

    def _send_reconnecting(self, mime: EmailMessage) -> None:
        try:
            self._connection().send_message(mime)
        except smtplib.SMTPServerDisconnected:
            # Relays close idle connections; a fresh one, once, is the normal path then.
            self._discard()
            self._connection().send_message(mime)

    def _connection(self) -> smtplib.SMTP:
        if self._smtp is None:
            self._smtp = self._connect()
        return self._smtp

    def _connect(self) -> smtplib.SMTP:
        settings = self.settings
        if settings.implicit_tls:
            smtp = smtplib.SMTP_SSL(
                settings.host, settings.port, timeout=self.timeout, context=self.ssl_context
            )
        else:
            smtp = smtplib.SMTP(settings.host, settings.port, timeout=self.timeout)
        try:
            self._greet(smtp)
        except BaseException:
            smtp.close()
            raise
        return smtp

    def _greet(self, smtp: smtplib.SMTP) -> None:
        smtp.ehlo()
        mode = self.settings.starttls
        # In "require" mode smtplib raises SMTPNotSupportedError when STARTTLS is not offered.
        if mode == "require" or (mode == "auto" and smtp.has_extn("starttls")):
            smtp.starttls(context=self.ssl_context)
            smtp.ehlo()
        if self.settings.username:
            smtp.login(self.settings.username, self.settings.password or "")

    def _discard(self) -> None:
        if self._smtp is not None:
            self._smtp.close()
            self._smtp = None


def _connection_survives(error: OSError) -> bool:
    # After a refusal smtplib resets the transaction itself; anything else leaves it unknown.
    return isinstance(error, smtplib.SMTPRecipientsRefused | smtplib.SMTPResponseException)


def _mail_error(error: OSError) -> MailError:
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        code, reply = next(iter(error.recipients.values()))
        return MailError(f"recipient refused: {code} {_text(reply)}", permanent=500 <= code < 600)
    if isinstance(error, smtplib.SMTPAuthenticationError):
        # The relay refused our credentials, not the address: fixable, so not permanent.
        return MailError(f"SMTP login refused: {error.smtp_code}")
    if isinstance(error, smtplib.SMTPResponseException):
        return MailError(
            f"SMTP {error.smtp_code} {_text(error.smtp_error)}",
            permanent=500 <= error.smtp_code < 600,
        )
    return MailError(f"SMTP failure: {error}")


def _text(reply: bytes | str) -> str:
    return reply.decode(errors="replace") if isinstance(reply, bytes) else str(reply)
