"""A real SMTP server (aiosmtpd) on 127.0.0.1, in a thread, that keeps what it receives.

    with SmtpServer(auth=("user", "secret")) as server:
        mailer = SmtpMailer(server.url("user", "secret"))
        ...
        server.messages[0].message["Subject"]

Options: require AUTH (`auth`), offer STARTTLS (`starttls`, a server SSLContext) or speak
implicit TLS (`implicit_tls`), refuse some recipients with a given reply (`refuse`), keep each
message and answer it only `answer_delay` seconds later (a slow server, where a client can die
between the two), and drop every open connection (`disconnect_all`) to test reconnection.
"""

from __future__ import annotations

import asyncio
import datetime
import email
import email.policy
import ipaddress
import socket
import ssl
import warnings
from dataclasses import dataclass
from email.message import EmailMessage
from pathlib import Path
from tempfile import TemporaryDirectory

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID


@dataclass
class ReceivedMessage:
    mail_from: str
    rcpt_tos: list[str]
    message: EmailMessage
    peer: tuple  # the client's (host, port): one per connection
    authenticated_as: str | None


class _Handler:
    def __init__(self, server: SmtpServer):
        self.server = server

    async def handle_RCPT(self, smtp, session, envelope, address, rcpt_options):
        if address in self.server.refuse:
            return self.server.refuse[address]
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, smtp, session, envelope):
        # SMTP carries CRLF line ends; a mailbox stores the local ones.
        content = envelope.content.replace(b"\r\n", b"\n")
        parsed = email.message_from_bytes(content, policy=email.policy.default)
        login = session.auth_data.login.decode() if session.auth_data else None
        self.server.messages.append(
            ReceivedMessage(
                envelope.mail_from, list(envelope.rcpt_tos), parsed, session.peer, login
            )
        )
        await asyncio.sleep(self.server.answer_delay)
        return "250 Message accepted for delivery"


class _Controller(Controller):
    """Keeps every connection's SMTP instance, so the test can drop them."""

    def __init__(self, *args, sessions: list, **kwargs):
        super().__init__(*args, **kwargs)
        self.sessions = sessions

    def factory(self):
        # AUTH over plain loopback is what the tests exercise; aiosmtpd warns on each connection.
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", "Requiring AUTH while not requiring TLS")
            smtp = super().factory()
        self.sessions.append(smtp)
        return smtp


class SmtpServer:
    def __init__(
        self,
        auth: tuple[str, str] | None = None,
        starttls: ssl.SSLContext | None = None,
        implicit_tls: ssl.SSLContext | None = None,
        answer_delay: float = 0.0,
    ):
        self.messages: list[ReceivedMessage] = []
        self.answer_delay = answer_delay
        self.refuse: dict[str, str] = {}  # address -> SMTP reply, e.g. "550 5.1.1 No such user"
        self.port = free_port()
        self.auth = auth
        self._sessions: list[SMTP] = []
        self._controller = _Controller(
            _Handler(self),
            hostname="127.0.0.1",
            port=self.port,
            sessions=self._sessions,
            ssl_context=implicit_tls,
            tls_context=starttls,
            require_starttls=starttls is not None,
            authenticator=self._authenticate if auth else None,
            auth_required=auth is not None,
            auth_require_tls=False,
        )

    def url(self, user: str | None = None, password: str | None = None, **query: str) -> str:
        scheme = "smtps" if self._controller.ssl_context else "smtp"
        credentials = f"{user}:{password}@" if user else ""
        params = "&".join(f"{name}={value}" for name, value in query.items())
        return f"{scheme}://{credentials}127.0.0.1:{self.port}" + (f"?{params}" if params else "")

    @property
    def connections(self) -> int:
        """How many client connections delivered mail."""
        return len({received.peer for received in self.messages})

    def start(self) -> SmtpServer:
        self._controller.start()
        self._sessions.clear()  # the controller's own start-up probe is not a client
        return self

    def stop(self) -> None:
        self._controller.stop()

    def __enter__(self) -> SmtpServer:
        return self.start()

    def __exit__(self, *exc_info) -> None:
        self.stop()

    def disconnect_all(self) -> None:
        """Close every open client connection from the server side, as an idle timeout would."""

        async def close():
            for smtp in self._sessions:
                if smtp.transport is not None:
                    smtp.transport.close()

        asyncio.run_coroutine_threadsafe(close(), self._controller.loop).result(timeout=5)

    def _authenticate(self, server, session, envelope, mechanism, auth_data):
        valid = (
            isinstance(auth_data, LoginPassword)
            and (auth_data.login.decode(), auth_data.password.decode()) == self.auth
        )
        # handled=False: aiosmtpd then answers a failure with 535 itself.
        return AuthResult(success=valid, handled=False, auth_data=auth_data if valid else None)


def free_port() -> int:
    # aiosmtpd probes its own port after starting, so it cannot be given port 0.
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def self_signed_tls() -> tuple[ssl.SSLContext, ssl.SSLContext]:
    """(server context, client context trusting it) for a fresh certificate for 127.0.0.1."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .sign(key, hashes.SHA256())
    )
    with TemporaryDirectory() as folder:
        cert_file, key_file = Path(folder, "cert.pem"), Path(folder, "key.pem")
        cert_file.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
        key_file.write_bytes(
            key.private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
        )
        server = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        server.load_cert_chain(cert_file, key_file)
        client = ssl.create_default_context(cafile=str(cert_file))
    return server, client
