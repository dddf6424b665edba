"""A stand-in for SendGrid's v3 Mail Send API: a real HTTP server on 127.0.0.1, in a thread.

    with SendGridStub() as stub:
        mailer = SendGridMailer("key", api_url=stub.url)
        ...
        stub.emails()  # what SendGrid would deliver, one dict per recipient

It checks every body against SendGrid's documented rules (`sendgrid_rules`), answers 202 with
an X-Message-Id, 400 with SendGrid's error JSON, 401 without a bearer key, 413 past 30 MB, and
can be told to answer 429 or 5xx to the next requests (`fail_next`).
"""

from __future__ import annotations

import json
import re
import secrets
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler

from tests.stubs.loopback import LoopbackServer, send_json
from tests.stubs.sendgrid_rules import mail_send_errors

MAX_BODY_BYTES = 30 * 1024 * 1024


@dataclass
class RecordedRequest:
    path: str
    headers: dict[str, str]
    body: dict | None
    status: int
    message_id: str | None = None
    connection: tuple | None = None  # the client's (host, port): one per TCP connection


@dataclass
class _Failure:
    status: int
    headers: dict[str, str] = field(default_factory=dict)


class SendGridStub(LoopbackServer):
    def __init__(self):
        self.requests: list[RecordedRequest] = []
        self.refused_addresses: set[str] = set()  # answered as SendGrid's "not a valid address"
        self._failures: list[_Failure] = []
        self._lock = threading.Lock()
        super().__init__(_handler_for(self))

    @property
    def url(self) -> str:
        return self.origin

    def fail_next(self, count: int, status: int = 429, headers: dict[str, str] | None = None):
        """Answer the next `count` mail sends with `status` and these response headers."""
        with self._lock:
            self._failures.extend(_Failure(status, dict(headers or {})) for _ in range(count))

    @property
    def accepted(self) -> list[RecordedRequest]:
        return [request for request in self.requests if request.status == 202]

    def emails(self) -> list[dict]:
        """One dict per delivered email, personalizations applied as SendGrid applies them:
        to, subject, text, html, headers, custom_args, categories, message_id."""
        return [email for request in self.accepted for email in _expand(request)]

    def answer(self, path: str, headers: dict[str, str], raw: bytes,
               connection: tuple | None = None) -> tuple[int, dict, dict]:
        """(status, response headers, JSON body) for one request; records it."""
        status, extra, body, payload = self._judge(path, headers, raw)
        message_id = extra.get("X-Message-Id")
        with self._lock:
            self.requests.append(RecordedRequest(path, headers, payload, status, message_id,
                                                 connection))
        return status, extra, body

    def _judge(self, path: str, headers: dict[str, str], raw: bytes):
        if path != "/v3/mail/send":
            return 404, {}, _errors(None, "Not found"), None
        if not headers.get("Authorization", "").startswith("Bearer "):
            return 401, {}, _errors(None, "The provided authorization grant is invalid"), None
        if len(raw) > MAX_BODY_BYTES:
            return 413, {}, _errors(None, "The JSON payload is too large"), None
        try:
            payload = json.loads(raw)
        except ValueError:
            return 400, {}, _errors(None, "Bad Request"), None
        with self._lock:
            failure = self._failures.pop(0) if self._failures else None
        if failure:
            return failure.status, failure.headers, _errors(None, "try again later"), payload
        errors = mail_send_errors(payload) + self._refusals(payload)
        if errors:
            return 400, {}, {"errors": errors}, payload
        return 202, {"X-Message-Id": secrets.token_urlsafe(16)}, {}, payload

    def _refusals(self, payload: dict) -> list[dict]:
        return [
            {
                "message": "Does not contain a valid address.",
                "help": None,
                "field": f"personalizations.{index}.to.{position}.email",
            }
            for index, envelope in enumerate(payload.get("personalizations") or [])
            for position, recipient in enumerate(envelope.get("to") or [])
            if recipient.get("email") in self.refused_addresses
        ]


def _errors(field: str | None, message: str) -> dict:
    return {"errors": [{"field": field, "message": message, "help": None}]}


def _substitute(text: str, substitutions: dict[str, str]) -> str:
    # Written again rather than imported: the stub must not share code with what it checks.
    if not substitutions:
        return text
    pattern = re.compile("|".join(re.escape(key) for key in sorted(substitutions, key=len)[::-1]))
    return pattern.sub(lambda match: substitutions[match.group(0)], text)


def _expand(request: RecordedRequest) -> list[dict]:
    body = request.body
    parts = {part["type"]: part["value"] for part in body["content"]}
    emails = []
    for envelope in body["personalizations"]:
        values = envelope.get("substitutions") or {}
        emails += [
            {
                "to": recipient["email"],
                "from": body["from"]["email"],
                "reply_to": (body.get("reply_to") or {}).get("email"),
                "subject": _substitute(envelope.get("subject", body["subject"]), values),
                "text": _substitute(parts.get("text/plain", ""), values),
                "html": _substitute(parts.get("text/html", ""), values),
                "headers": {**body.get("headers", {}), **envelope.get("headers", {})},
                "custom_args": {**body.get("custom_args", {}), **envelope.get("custom_args", {})},
                "categories": body.get("categories", []),
                "message_id": request.message_id,
            }
            for recipient in envelope["to"]
        ]
    return emails


def _handler_for(stub: SendGridStub) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        # As SendGrid's API does: the connection stays open for the client's next request
        # (every answer carries a Content-Length), each answer leaves without Nagle's wait.
        protocol_version = "HTTP/1.1"
        disable_nagle_algorithm = True

        def do_POST(self):
            raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            status, headers, body = stub.answer(self.path, dict(self.headers), raw,
                                                self.client_address)
            send_json(self, status, headers, body or None)

        def log_message(self, format, *args):
            pass  # keep test output clean

    return Handler
