"""SendGrid's signed Event Webhook, pure: verify a request, then read its events.

SendGrid signs `timestamp + raw body` with ECDSA P-256 / SHA-256 and sends the base64 signature
and the timestamp in the headers below; the verification key is the base64 DER public key
shown in SendGrid's Mail Settings (NEWSLETTER_SENDGRID_WEBHOOK_PUBLIC_KEY). Verify the raw
bytes exactly as received, before any JSON parsing.
"""

from __future__ import annotations

import base64
import binascii
import json
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime

from cryptography.exceptions import InvalidSignature as _CryptographyInvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import load_der_public_key

SIGNATURE_HEADER = "X-Twilio-Email-Event-Webhook-Signature"
TIMESTAMP_HEADER = "X-Twilio-Email-Event-Webhook-Timestamp"

# Fields SendGrid itself sets on events; every other string field is one of our custom args.
_SENDGRID_FIELDS = frozenset({
    "email", "timestamp", "event", "sg_event_id", "sg_message_id", "smtp-id", "category",
    "reason", "status", "response", "attempt", "type", "bounce_classification", "useragent",
    "ip", "url", "url_offset", "tls", "cert_err", "asm_group_id", "marketing_campaign_id",
    "marketing_campaign_name", "marketing_campaign_version", "marketing_campaign_split_id",
    "pool", "sg_machine_open", "sg_content_type", "sg_template_id", "sg_template_name",
    "singlesend_id", "singlesend_name", "send_at", "template_id",
})  # fmt: skip


class InvalidSignature(Exception):
    """The request is not from SendGrid, was altered, or is too old to accept."""


def load_public_key(public_key_b64: str) -> ec.EllipticCurvePublicKey:
    """SendGrid's verification key (base64 DER). Raises ValueError for anything but P-256."""
    try:
        key = load_der_public_key(base64.b64decode("".join(public_key_b64.split()), validate=True))
    except (binascii.Error, ValueError) as error:
        raise ValueError("the webhook public key is not base64 DER") from error
    if not isinstance(key, ec.EllipticCurvePublicKey) or not isinstance(key.curve, ec.SECP256R1):
        raise ValueError("the webhook public key is not an ECDSA P-256 key")
    return key


def verify_signature(
    public_key_b64: str,
    payload: bytes,
    signature_b64: str,
    timestamp: str,
    now: float | None = None,
    max_age_seconds: int = 600,
) -> None:
    """Return when SendGrid signed `timestamp + payload` less than `max_age_seconds` ago.

    Raises InvalidSignature for a bad signature or a timestamp outside that window (either
    way, to refuse replays), and ValueError for a misconfigured key, which is our fault.
    """
    key = load_public_key(public_key_b64)
    _check_fresh(timestamp, time.time() if now is None else now, max_age_seconds)
    try:
        signature = base64.b64decode(signature_b64, validate=True)
        key.verify(signature, timestamp.encode() + payload, ec.ECDSA(hashes.SHA256()))
    except (binascii.Error, ValueError, _CryptographyInvalidSignature) as error:
        raise InvalidSignature("the signature does not match") from error


def _check_fresh(timestamp: str, now: float, max_age_seconds: int) -> None:
    try:
        signed_at = int(timestamp)
    except ValueError as error:
        raise InvalidSignature(f"timestamp {timestamp!r} is not a Unix time") from error
    if abs(now - signed_at) > max_age_seconds:
        raise InvalidSignature(f"timestamp {signed_at} is more than {max_age_seconds}s from now")


@dataclass(frozen=True)
class Event:
    """One SendGrid event. `custom_args` holds what we sent (edition_id, delivery_id…)."""

    sg_event_id: str
    event: str  # processed, delivered, deferred, bounce, dropped, spamreport, unsubscribe…
    email: str
    timestamp: datetime
    sg_message_id: str | None = None
    reason: str | None = None
    type: str | None = None  # for "bounce": "bounce" (permanent) or "blocked" (temporary)
    bounce_classification: str | None = None
    categories: tuple[str, ...] = ()
    custom_args: dict[str, str] = field(default_factory=dict)


def parse_events(payload: bytes) -> list[Event]:
    """The events of one webhook body (a JSON array). Raises ValueError when it is not one."""
    items = json.loads(payload)
    if not isinstance(items, list) or not all(isinstance(item, dict) for item in items):
        raise ValueError("a SendGrid event webhook body is a JSON array of objects")
    return [_event(item) for item in items]


def _event(item: dict) -> Event:
    try:
        return Event(
            sg_event_id=str(item["sg_event_id"]),
            event=str(item["event"]),
            email=str(item["email"]),
            timestamp=datetime.fromtimestamp(int(item["timestamp"]), tz=UTC),
            sg_message_id=item.get("sg_message_id"),
            reason=item.get("reason"),
            type=item.get("type"),
            bounce_classification=item.get("bounce_classification"),
            categories=_categories(item.get("category")),
            custom_args=_custom_args(item),
        )
    except (KeyError, TypeError, ValueError) as error:
        raise ValueError(f"a malformed SendGrid event: missing or bad {error}") from error


def _custom_args(item: dict) -> dict[str, str]:
    return {
        name: value
        for name, value in item.items()
        if name not in _SENDGRID_FIELDS and isinstance(value, str)
    }


def _categories(value) -> tuple[str, ...]:
    # SendGrid sends a string for one category and an array for several.
    if value is None:
        return ()
    return (value,) if isinstance(value, str) else tuple(value)
