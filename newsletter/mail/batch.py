"""One email to many recipients, each with their own links: the batch every transport accepts.

A `PersonalizedBatch` holds the shared subject and bodies with substitution keys in them
(e.g. "-unsubscribe_url-"); each `Recipient` brings the values for those keys, its own headers
(List-Unsubscribe differs per reader) and custom args (ids the provider echoes in its events).
SendGrid sends a batch natively (`SendGridMailer.send_batch`); every other Mailer goes through
`send_batch_by_one`, so callers have one code path whatever the transport.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from email_validator import EmailNotValidError, validate_email

from newsletter.mail import Mailer, MailError
from newsletter.mail.message import OutgoingMessage


@dataclass
class Recipient:
    """One reader of a batch; `message_id`, when given, is the Message-ID of their copy."""

    email: str
    message_id: str | None = None
    substitutions: dict[str, str] = field(default_factory=dict)
    headers: dict[str, str] = field(default_factory=dict)
    custom_args: dict[str, str] = field(default_factory=dict)
    # The SendGrid personalization of these values as JSON, when written ahead
    # (`sendgrid_payload.write_personalizations`, as a run makes a batch's recipients): the
    # request then only joins them. Written last, once the fields above are final.
    personalization: str | None = field(default=None, compare=False, repr=False)


@dataclass
class PersonalizedBatch:
    """The shared part of a mailing; recipients add their own custom args to the shared ones."""

    from_email: str
    subject: str
    text: str
    html: str
    recipients: list[Recipient]
    reply_to: str | None = None
    headers: dict[str, str] = field(default_factory=dict)
    categories: list[str] = field(default_factory=list)
    custom_args: dict[str, str] = field(default_factory=dict)
    # True when every address was validated where it came in (signup, import) and is read back
    # from our own database: transports skip validating it again, their costliest check.
    addresses_checked: bool = False


@dataclass
class RecipientResult:
    """The outcome for one recipient: a provider message id, or an error and whether it is final."""

    email: str
    message_id: str | None = None
    error: str | None = None
    permanent: bool = False

    @property
    def ok(self) -> bool:
        return self.error is None


@dataclass
class BatchResult:
    results: list[RecipientResult] = field(default_factory=list)

    @property
    def sent(self) -> list[RecipientResult]:
        return [result for result in self.results if result.ok]

    @property
    def failed(self) -> list[RecipientResult]:
        return [result for result in self.results if not result.ok]


def address_problem(email: str) -> str | None:
    """Why `email` cannot be sent to (syntax only, no DNS), or None when it is fine."""
    try:
        validate_email(email, check_deliverability=False)
    except EmailNotValidError as error:
        return str(error)
    return None


def recipient_address_problem(batch: PersonalizedBatch, recipient: Recipient) -> str | None:
    """`address_problem` of the recipient, unless the batch's addresses were checked already."""
    return None if batch.addresses_checked else address_problem(recipient.email)


def substitute(text: str, substitutions: dict[str, str]) -> str:
    """Replace every key in one pass, so a value that contains another key stays as it is."""
    if not substitutions:
        return text
    keys = sorted(substitutions, key=len, reverse=True)
    pattern = re.compile("|".join(re.escape(key) for key in keys))
    return pattern.sub(lambda match: substitutions[match.group(0)], text)


def expand(batch: PersonalizedBatch, recipient: Recipient) -> OutgoingMessage:
    """The single message `recipient` gets: keys substituted, headers and custom args merged."""
    values = recipient.substitutions
    return OutgoingMessage(
        to=recipient.email,
        from_email=batch.from_email,
        subject=substitute(batch.subject, values),
        text=substitute(batch.text, values),
        html=substitute(batch.html, values),
        reply_to=batch.reply_to,
        headers={**batch.headers, **recipient.headers},
        tags={**batch.custom_args, **recipient.custom_args},
        message_id=recipient.message_id,
    )


def send_batch_by_one(mailer: Mailer, batch: PersonalizedBatch) -> BatchResult:
    """Send one message per recipient through any Mailer; one failure never stops the others.

    Invalid addresses are reported as permanent failures without being sent.
    """
    result = BatchResult()
    for recipient in batch.recipients:
        result.results.append(_send_one(mailer, batch, recipient))
    return result


def _send_one(mailer: Mailer, batch: PersonalizedBatch, recipient: Recipient) -> RecipientResult:
    problem = recipient_address_problem(batch, recipient)
    if problem:
        return RecipientResult(recipient.email, error=problem, permanent=True)
    try:
        return RecipientResult(recipient.email, message_id=mailer.send(expand(batch, recipient)))
    except MailError as error:
        return RecipientResult(recipient.email, error=str(error), permanent=error.permanent)


def send_batch(mailer: Mailer, batch: PersonalizedBatch) -> BatchResult:
    """Send a batch the best way the mailer knows: natively when it has `send_batch` (SendGrid,
    up to 1,000 recipients a request), else one message per recipient."""
    native = getattr(mailer, "send_batch", None)
    return native(batch) if native is not None else send_batch_by_one(mailer, batch)
