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


@dataclass(frozen=True)
class EventBatch:
    """The valid events of one webhook body, and how many of its items were not valid events."""

    events: list[Event]
    invalid: int = 0


def parse_events(payload: bytes) -> EventBatch:
    """The events of one webhook body (a JSON array). An item that is not a valid event (a field
    missing, of the wrong type or too long to store, a timestamp out of range, a delivery id
    that cannot be ours, nesting too deep or a number too long to read) is left out and
    counted; raises ValueError when the body is not an array at all."""
    items = [_event(item) for item in _items(payload)]
    events = [item for item in items if item is not None]
    return EventBatch(events, invalid=len(items) - len(events))


def _items(payload: bytes) -> list:
    try:
        items = json.loads(payload)
    except (RecursionError, ValueError) as error:
        # an item nested too deep, or with a number of more than 4,300 digits (Python refuses
        # to read those, a ValueError): read the items one by one, if the body is an array
        elements = array_elements(payload.decode("utf-8", "replace"))
        if not elements:
            raise ValueError(f"a SendGrid event webhook body is JSON: {error}") from None
        items = [_loaded(text) for text in elements]
    if not isinstance(items, list):
        raise ValueError("a SendGrid event webhook body is a JSON array of objects")
    return items


def _loaded(text: str):
    try:
        return json.loads(text)
    except (RecursionError, ValueError):
        return None


def _event(item) -> Event | None:
    """The event an item describes, or None when it is not a valid one."""
    if not isinstance(item, dict):
        return None
    texts = {name: item.get(name) for name in _OPTIONAL_TEXT}
    timestamp, categories = _moment(item.get("timestamp")), _categories(item.get("category"))
    custom_args = _custom_args(item)
    delivery_id = custom_args.get("delivery_id")
    if not (_text(item.get("sg_event_id"), 128) and _text(item.get("event"), 32)
            and _text(item.get("email"), 320) and timestamp and categories is not None
            and all(_optional_text(value, _OPTIONAL_TEXT[name]) for name, value in texts.items())
            and (delivery_id is None or _is_our_id(delivery_id))):
        return None
    return Event(sg_event_id=item["sg_event_id"], event=item["event"], email=item["email"],
                 timestamp=timestamp, categories=categories, custom_args=custom_args, **texts)


# each optional text field and its longest value: a message id is stored in a column of 255
# characters (PostgreSQL refuses longer ones); the others are only read
_OPTIONAL_TEXT = {"sg_message_id": 255, "reason": 4096, "type": 32, "bounce_classification": 64}
_LATEST = 2**33  # seconds: the year 2242
_MAX_ID = 2**31 - 1  # our ids are 32-bit integers


def _text(value, longest: int) -> bool:
    return isinstance(value, str) and 0 < len(value) <= longest


def _optional_text(value, longest: int) -> bool:
    return value is None or (isinstance(value, str) and len(value) <= longest)


def _moment(value) -> datetime | None:
    if isinstance(value, bool) or not isinstance(value, int | float) \
            or not 0 <= value <= _LATEST:  # NaN fails both
        return None
    return datetime.fromtimestamp(int(value), tz=UTC)


def _is_our_id(value: str) -> bool:
    return value.isascii() and value.isdigit() and 0 < int(value) <= _MAX_ID


def _custom_args(item: dict) -> dict[str, str]:
    return {
        name: value
        for name, value in item.items()
        if name not in _SENDGRID_FIELDS and isinstance(value, str)
    }


def _categories(value) -> tuple[str, ...] | None:
    """SendGrid sends a string for one category and an array for several; None for anything
    else."""
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,)
    if isinstance(value, list) and all(isinstance(item, str) for item in value):
        return tuple(value)
    return None


def array_elements(text: str) -> list[str]:
    """The source text of each element of the JSON array `text`, found by matching brackets
    outside strings (no parsing, so no nesting limit); [] when `text` is not an array, or one
    that never ends."""
    text = text.strip()
    if not text.startswith("["):
        return []
    elements, depth, start, in_string, escaped = [], 0, 1, False, False
    for position, char in enumerate(text):
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
        elif char in "]}":
            depth -= 1
            if depth == 0:  # the end of the array itself
                elements.append(text[start:position])
                return [element for element in elements if element.strip()]
        elif char == "," and depth == 1:
            elements.append(text[start:position])
            start = position + 1
    return []  # the array never ends
