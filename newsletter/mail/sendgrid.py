"""The SendGrid transport: the v3 Mail Send API, with the official SDK's request and errors.

The only module that imports the `sendgrid` SDK. Request bodies are built, as JSON bytes, in
`newsletter.mail.sendgrid_payload`; this module sends them, retries rate limits and server
errors, and turns SendGrid's answers into message ids or MailError.
"""

from __future__ import annotations

import json
import re
import ssl
import time
from collections.abc import Callable, Mapping, Sequence

import httpx
import sendgrid
from python_http_client.exceptions import HTTPError, err_dict

from newsletter.mail import MailError
from newsletter.mail.batch import BatchResult, PersonalizedBatch, Recipient, RecipientResult
from newsletter.mail.message import OutgoingMessage
from newsletter.mail.sendgrid_payload import (
    batch_requests,
    json_body,
    message_payload,
    partition,
    write_personalizations,
)
from newsletter.outside_calls import (
    SERVER_ERRORS,
    RetryPolicy,
    Transient,
    call_with_retries,
    retry_after,
)

DEFAULT_API_URL = "https://api.sendgrid.com"
_PERSONALIZATION_FIELD = re.compile(r"^personalizations\.(\d+)\.")


class RefusedPersonalizations(MailError):
    """A 400 whose every error names a personalization: `indexes` are the refused ones."""

    def __init__(self, reason: str, indexes: set[int]):
        super().__init__(reason, permanent=True)
        self.indexes = indexes


class MailSendEndpoint:
    """POST /v3/mail/send over a kept-alive connection: what the SDK's
    `client.mail.send.post(request_body=...)` sends, without its cost per request.

    The SDK's client (python_http_client) builds a urllib opener and opens a new connection for
    every request, encodes the body with `json.dumps` and formats all of it into a debug log
    line even when logging is off; a run makes thousands of 1,000-personalization requests. So
    the body comes encoded (`sendgrid_payload`), goes out on an httpx connection pool (kept
    alive, thread-safe, proxies from the environment as urllib takes them, the system's trust
    store as urllib uses it), with the SDK's headers (Authorization, User-Agent, Accept) and
    URL, and an error answer raises the SDK's own exception for its status (python_http_client's
    `HTTPError` subclasses, carrying status, reason, body and headers). A network failure
    raises ConnectionError. It pickles its URL, headers and timeout, not its connections: the
    copy opens its own.
    """

    def __init__(self, api_key: str, api_url: str = DEFAULT_API_URL, timeout: float = 30.0):
        sdk = sendgrid.SendGridAPIClient(api_key=api_key, host=api_url.rstrip("/"))
        self.url, self.timeout = f"{sdk.host}/v3/mail/send", timeout
        self.headers = {**sdk.client.request_headers, "Content-Type": "application/json"}
        self.http = self._client()

    def _client(self) -> httpx.Client:
        return httpx.Client(timeout=self.timeout, verify=ssl.create_default_context())

    def __getstate__(self) -> dict:
        return {"url": self.url, "headers": self.headers, "timeout": self.timeout}

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state)
        self.http = self._client()

    def send(self, body: bytes) -> Mapping[str, str]:
        """Send one request body; return the answer's headers (X-Message-Id among them)."""
        try:
            response = self.http.post(self.url, content=body, headers=self.headers)
        except httpx.TransportError as error:
            raise ConnectionError(str(error) or type(error).__name__) from error
        if response.status_code >= 400:
            error_class = err_dict.get(response.status_code, HTTPError)
            raise error_class(response.status_code, response.reason_phrase, response.content,
                              response.headers)
        return response.headers


class SendGridMailer:
    """Sends through SendGrid; `send` returns SendGrid's X-Message-Id.

    429 and 5xx answers are retried up to `max_attempts` times, waiting as Retry-After or
    X-RateLimit-Reset say (else exponential backoff); a wait longer than `max_wait` seconds is
    not slept but raised as a transient MailError, so a worker is never parked for an hour.
    400 and 413 raise MailError(permanent=True). Network errors are not retried here (the
    request may have been accepted), they raise MailError(permanent=False).
    `prepare_recipients` is what a caller may run on a batch's recipients beforehand, in
    another process (it pickles): it writes their personalizations, the costliest part of a
    request to build. The mailer is `portable`: a pickled copy sends as it does from another
    process (a run's send process), with its own connection.
    """

    prepare_recipients = staticmethod(write_personalizations)
    portable = True

    def __init__(
        self,
        api_key: str,
        api_url: str = DEFAULT_API_URL,
        endpoint: MailSendEndpoint | None = None,
        *,
        categories: Sequence[str] = (),
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.time,
        max_attempts: int = 5,
        max_wait: float = 60.0,
        timeout: float = 30.0,
    ):
        self.endpoint = endpoint or MailSendEndpoint(api_key, api_url, timeout)
        self.categories = list(categories)
        self.sleep = sleep
        self.clock = clock
        # a wait past max_wait ends the tries: a worker is never parked for an hour
        self.retry = RetryPolicy(attempts=max_attempts, base_delay=1.0, max_delay=max_wait,
                                 max_retry_after=max_wait)

    def send(self, message: OutgoingMessage) -> str:
        """Send one message; return SendGrid's message id. Raises MailError."""
        return self._post(json_body(message_payload(message, self.categories)))

    def send_batch(self, batch: PersonalizedBatch) -> BatchResult:
        """Send a batch in as few requests as the limits allow; report every recipient.

        Recipients SendGrid would refuse (invalid address, oversized custom args) are reported
        as permanent failures and never sent, so they cannot fail the others' request. The
        message id of a recipient is the X-Message-Id of its request, which prefixes the
        `sg_message_id` of its webhook events.
        """
        sendable, refused = partition(batch)
        result = BatchResult(refused)
        for recipients, body in batch_requests(batch, sendable):
            result.results.extend(self._send_request(batch, recipients, body))
        return result

    def _send_request(
        self, batch: PersonalizedBatch, recipients: list[Recipient], body: bytes
    ) -> list[RecipientResult]:
        try:
            message_id = self._post(body)
        except MailError as error:
            return self._after_refusal(batch, recipients, error)
        return [RecipientResult(recipient.email, message_id=message_id) for recipient in recipients]

    def _after_refusal(
        self, batch: PersonalizedBatch, recipients: list[Recipient], error: MailError
    ) -> list[RecipientResult]:
        """When SendGrid names the personalizations it refused, fail those and resend the rest."""
        culprits = error.indexes if isinstance(error, RefusedPersonalizations) else set()
        if not culprits or not culprits < set(range(len(recipients))):
            return [_failure(recipient, error) for recipient in recipients]
        failed = [_failure(recipients[index], error) for index in sorted(culprits)]
        others = [recipient for index, recipient in enumerate(recipients) if index not in culprits]
        for retry_recipients, body in batch_requests(batch, others):
            failed.extend(self._send_request(batch, retry_recipients, body))
        return failed

    def _post(self, body: bytes) -> str:
        try:
            headers = call_with_retries(lambda: self.endpoint.send(body), self.retry,
                                        self._transient, sleep=self.sleep, what="SendGrid")
        except HTTPError as error:
            raise _mail_error(error) from None
        except OSError as error:  # never retried: the request may have been accepted
            raise MailError(f"SendGrid unreachable: {error}") from error
        return headers.get("X-Message-Id", "")

    def _transient(self, error: Exception) -> Transient | None:
        """429 and 5xx, with the wait SendGrid asks for: Retry-After, else X-RateLimit-Reset
        (an epoch time, only SendGrid sends it)."""
        if not isinstance(error, HTTPError) or not (
                error.status_code == 429 or error.status_code in SERVER_ERRORS):
            return None
        headers, now = error.headers or {}, self.clock()
        told = retry_after(headers.get("Retry-After"), now)
        return Transient(f"SendGrid HTTP {error.status_code}",
                         told if told is not None else _reset_wait(headers, now))


def _reset_wait(headers, now: float) -> float | None:
    reset = retry_after(headers.get("X-RateLimit-Reset"))  # an epoch time, read as a number
    return max(0.0, reset - now) if reset is not None else None


def _failure(recipient: Recipient, error: MailError) -> RecipientResult:
    return RecipientResult(recipient.email, error=str(error), permanent=error.permanent)


def _mail_error(error: HTTPError) -> MailError:
    """400 and 413 are final; anything else (auth, 429, 5xx) may pass once fixed or later."""
    errors = _sendgrid_errors(error.body)
    details = "; ".join(f"{item.get('field')}: {item.get('message')}" for item in errors)
    reason = f"SendGrid HTTP {error.status_code}: {details or error.reason}"
    matches = [_PERSONALIZATION_FIELD.match(str(item.get("field") or "")) for item in errors]
    # Only when every error names a personalization can the others be sent as they are.
    if error.status_code == 400 and matches and all(matches):
        return RefusedPersonalizations(reason, {int(match.group(1)) for match in matches})
    return MailError(reason, permanent=error.status_code in (400, 413))


def _sendgrid_errors(body: bytes) -> list[dict]:
    """The `errors` list of SendGrid's error JSON, or [] when the body is something else."""
    try:
        errors = json.loads(body or b"{}").get("errors", [])
    except (ValueError, AttributeError):
        return []
    return [item for item in errors if isinstance(item, dict)]
