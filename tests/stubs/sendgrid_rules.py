"""SendGrid's documented Mail Send rules, written from its docs independently of our client.

`mail_send_errors(body)` returns the errors SendGrid would answer with a 400, in its shape:
`{"message", "field", "help"}`. Sources: the v3 Mail Send reference and its error list
(twilio.com/docs/sendgrid/api-reference/mail-send/errors).
"""

from __future__ import annotations

import json
import re

HELP = "http://sendgrid.com/docs/API_Reference/Web_API_v3/Mail/errors.html#message.{}"
RESERVED_HEADERS = {
    "x-sg-id", "x-sg-eid", "received", "dkim-signature", "content-type",
    "content-transfer-encoding", "to", "from", "subject", "reply-to", "cc", "bcc",
}  # fmt: skip
# SendGrid's own check is stricter than RFC 5322; this catches what tests need it to catch.
_ADDRESS = re.compile(r"^[^@\s<>()\[\],;:\"]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$")


def _error(field: str | None, message: str) -> dict:
    return {"message": message, "field": field, "help": HELP.format(field or "")}


def _size(value) -> int:
    return len(json.dumps(value or {}).encode())


def _over(values, limit: int) -> bool:
    """Whether `values` (a JSON object) takes more than `limit` bytes as JSON. Counted exactly
    only when a cheap upper bound says it may: a character is at most 12 bytes as JSON (an
    escaped surrogate pair), an item adds at most 8 (quotes, colon, comma, space); the stand-in
    checks every personalization of a 100,000-reader bench run."""
    values = values or {}
    strings = all(isinstance(name, str) and isinstance(value, str)
                  for name, value in values.items())
    if strings and 2 + sum(12 * (len(name) + len(value)) + 8
                           for name, value in values.items()) <= limit:
        return False
    return _size(values) > limit


def address_errors(field: str, value) -> list[dict]:
    if not isinstance(value, dict) or not _ADDRESS.match(str(value.get("email", ""))):
        return [_error(f"{field}.email", "Does not contain a valid address.")]
    return []


def header_errors(field: str, headers) -> list[dict]:
    errors = []
    for name, value in (headers or {}).items():
        if name.lower() in RESERVED_HEADERS:
            errors.append(_error(field, f"The header {name} is reserved and cannot be set."))
        if not isinstance(value, str):
            errors.append(_error(f"{field}.{name}", "Invalid type. Expected: string."))
    return errors


def personalization_errors(index: int, envelope: dict, root_args: dict, seen: set) -> list[dict]:
    field = f"personalizations.{index}"
    recipients = envelope.get("to") or []
    if not recipients:
        return [_error(f"{field}.to", "The to array is required for all personalization objects.")]
    errors = header_errors(f"{field}.headers", envelope.get("headers"))
    for position, recipient in enumerate(recipients):
        errors += address_errors(f"{field}.to.{position}", recipient)
        email = str(recipient.get("email", "")).lower()
        if email in seen:
            errors.append(
                _error(
                    f"{field}.to.{position}.email",
                    f"Each unique email address in the personalizations array should "
                    f"only be included once. You have included {email} more than once.",
                )
            )
        seen.add(email)
    if _over({**root_args, **(envelope.get("custom_args") or {})}, 10_000):
        errors.append(
            _error(f"{field}.custom_args", "The custom arguments may not exceed 10,000 bytes.")
        )
    if _over(envelope.get("substitutions"), 10_000):
        errors.append(
            _error(
                f"{field}.substitutions",
                "The substitutions may not exceed 10,000 bytes per personalization.",
            )
        )
    return errors


def personalizations_errors(body: dict) -> list[dict]:
    envelopes = body.get("personalizations") or []
    if not envelopes:
        return [_error("personalizations", "You must have at least one personalization.")]
    if len(envelopes) > 1000:
        return [
            _error(
                "personalizations",
                "The personalization block is limited to 1000 personalizations per API "
                f"request. You have provided {len(envelopes)} personalizations.",
            )
        ]
    if (
        sum(
            len(e.get("to") or []) + len(e.get("cc") or []) + len(e.get("bcc") or [])
            for e in envelopes
        )
        > 1000
    ):
        return [
            _error(
                "personalizations",
                "There is a limit of 1000 total recipients (to + cc + bcc) per request.",
            )
        ]
    errors, seen, root_args = [], set(), body.get("custom_args") or {}
    for index, envelope in enumerate(envelopes):
        errors += personalization_errors(index, envelope, root_args, seen)
    return errors


def content_errors(body: dict) -> list[dict]:
    content = body.get("content") or []
    if not content:
        return [
            _error(
                "content",
                "Unless a valid template_id is provided, the content parameter is required.",
            )
        ]
    errors = [
        _error(
            f"content.{index}.value",
            "The content value must be a string at least one character in length.",
        )
        for index, part in enumerate(content)
        if not part.get("value")
    ]
    types = [part.get("type") for part in content]
    if "text/plain" in types and types[0] != "text/plain":
        errors.append(_error("content", "If present, text/plain must be first."))
    return errors


def category_errors(categories) -> list[dict]:
    categories = categories or []
    if len(categories) > 10:
        return [_error("categories", "You may not have more than 10 categories per request.")]
    if len(set(categories)) != len(categories) or any(len(c) > 255 for c in categories):
        return [_error("categories", "Categories must be unique and at most 255 characters.")]
    return []


def mail_send_errors(body: dict) -> list[dict]:
    """Every rule violation in a v3 Mail Send body; [] when SendGrid would accept it."""
    errors = personalizations_errors(body) + address_errors("from", body.get("from"))
    if body.get("reply_to") is not None:
        errors += address_errors("reply_to", body["reply_to"])
    if not body.get("subject"):
        errors.append(_error("subject", "The subject is required."))
    errors += content_errors(body) + header_errors("headers", body.get("headers"))
    return errors + category_errors(body.get("categories"))
