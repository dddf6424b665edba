"""The SendGrid transport: the v3 Mail Send API through the official SDK.

The only module that imports the `sendgrid` SDK. Request bodies are built in
`newsletter.mail.sendgrid_payload`; this module sends them, retries rate limits and server
errors, and turns SendGrid's answers into message ids or MailError.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
import re
import time
from collections.abc import Callable, Sequence
from email.utils import parsedate_to_datetime

import sendgrid
from python_http_client.exceptions import HTTPError

from newsletter.mail import MailError
from newsletter.mail.batch import BatchResult, PersonalizedBatch, Recipient, RecipientResult
from newsletter.mail.message import OutgoingMessage
from newsletter.mail.sendgrid_payload import batch_requests, message_payload, partition

DEFAULT_API_URL = "https://api.sendgrid.com"
_PERSONALIZATION_FIELD = re.compile(r"^personalizations\.(\d+)\.")


class RefusedPersonalizations(MailError):
    """A 400 whose every error names a personalization: `indexes` are the refused ones."""

    def __init__(self, reason: str, indexes: set[int]):
        super().__init__(reason, permanent=True)
        self.indexes = indexes


class SendGridMailer:
    """Sends through SendGrid; `send` returns SendGrid's X-Message-Id.

    429 and 5xx answers are retried up to `max_attempts` times, waiting as Retry-After or
    X-RateLimit-Reset say (else exponential backoff); a wait longer than `max_wait` seconds is
    not slept but raised as a transient MailError, so a worker is never parked for an hour.
    400 and 413 raise MailError(permanent=True). Network errors are not retried here (the
    request may have been accepted), they raise MailError(permanent=False).
    """

    def __init__(
        self,
        api_key: str,
        api_url: str = DEFAULT_API_URL,
        client=None,
        *,
        categories: Sequence[str] = (),
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.time,
        max_attempts: int = 5,
        max_wait: float = 60.0,
        timeout: float = 30.0,
    ):
        if client is None:
            client = sendgrid.SendGridAPIClient(api_key=api_key, host=api_url.rstrip("/"))
            client.client.timeout = timeout
        self.client = client
        self.categories = list(categories)
        self.sleep = sleep
        self.clock = clock
        self.max_attempts = max_attempts
        self.max_wait = max_wait

    def send(self, message: OutgoingMessage) -> str:
        """Send one message; return SendGrid's message id. Raises MailError."""
        return self._post(message_payload(message, self.categories))

    def send_batch(self, batch: PersonalizedBatch) -> BatchResult:
        """Send a batch in as few requests as the limits allow; report every recipient.

        Recipients SendGrid would refuse (invalid address, oversized custom args) are reported
        as permanent failures and never sent, so they cannot fail the others' request. The
        message id of a recipient is the X-Message-Id of its request, which prefixes the
        `sg_message_id` of its webhook events.
        """
        sendable, refused = partition(batch)
        result = BatchResult(refused)
        for recipients, payload in batch_requests(batch, sendable):
            result.results.extend(self._send_request(batch, recipients, payload))
        return result

    def _send_request(
        self, batch: PersonalizedBatch, recipients: list[Recipient], payload: dict
    ) -> list[RecipientResult]:
        try:
            message_id = self._post(payload)
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
        for retry_recipients, payload in batch_requests(batch, others):
            failed.extend(self._send_request(batch, retry_recipients, payload))
        return failed

    def _post(self, payload: dict) -> str:
        for attempt in itertools.count(1):
            try:
                response = self.client.send(payload)
            except HTTPError as error:
                if attempt >= self.max_attempts or not _retryable(error.status_code):
                    raise _mail_error(error) from None
                self.sleep(self._delay(error, attempt))
            except OSError as error:
                raise MailError(f"SendGrid unreachable: {error}") from error
            else:
                return response.headers.get("X-Message-Id", "")

    def _delay(self, error: HTTPError, attempt: int) -> float:
        delay = retry_delay(error.headers, attempt, self.clock())
        if delay > self.max_wait:
            raise MailError(f"SendGrid asks to wait {delay:.0f}s (HTTP {error.status_code})")
        return delay


def retry_delay(headers, attempt: int, now: float) -> float:
    """Seconds to wait before retry `attempt` (1-based): Retry-After (seconds or an HTTP date),
    else X-RateLimit-Reset (an epoch time), else 1, 2, 4… seconds. A header that is neither
    ("soon") is ignored like a missing one, never raised out of the transport."""
    headers = headers or {}
    for told in (_retry_after(headers.get("Retry-After"), now),
                 _number(headers.get("X-RateLimit-Reset"), minus=now)):
        if told is not None:
            return max(0.0, told)
    return float(2 ** (attempt - 1))


def _retry_after(value: str | None, now: float) -> float | None:
    seconds = _number(value)
    if seconds is not None or not value:
        return seconds
    try:
        moment = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if moment.tzinfo is None:  # an HTTP date is GMT even when it does not say so
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.timestamp() - now


def _number(value: str | None, minus: float = 0.0) -> float | None:
    try:
        return float(value) - minus if value else None
    except ValueError:
        return None


def _retryable(status: int) -> bool:
    return status == 429 or status >= 500


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
