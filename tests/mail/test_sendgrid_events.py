"""SendGrid Event Webhook: signature checks with a key pair made here, and event parsing."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec

from newsletter.mail.sendgrid_webhook import (
    InvalidSignature,
    array_elements,
    parse_events,
    verify_signature,
)

PAYLOAD = (Path(__file__).parents[1] / "fixtures" / "mail" / "sendgrid_events.json").read_bytes()
SIGNED_AT = "1700000300"
NOW = 1_700_000_360.0


@pytest.fixture(scope="module")
def signing_key():
    return ec.generate_private_key(ec.SECP256R1())


@pytest.fixture(scope="module")
def public_key_b64(signing_key) -> str:
    """The key as SendGrid's settings page shows it: base64 of the DER SubjectPublicKeyInfo."""
    der = signing_key.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return base64.b64encode(der).decode()


def sign(key, timestamp: str, payload: bytes) -> str:
    return base64.b64encode(
        key.sign(timestamp.encode() + payload, ec.ECDSA(hashes.SHA256()))
    ).decode()


def test_a_genuine_signature_is_accepted(signing_key, public_key_b64):
    signature = sign(signing_key, SIGNED_AT, PAYLOAD)
    verify_signature(public_key_b64, PAYLOAD, signature, SIGNED_AT, now=NOW)


def test_an_altered_body_is_rejected(signing_key, public_key_b64):
    signature = sign(signing_key, SIGNED_AT, PAYLOAD)
    with pytest.raises(InvalidSignature):
        verify_signature(
            public_key_b64, PAYLOAD.replace(b"bounce", b"delivered"), signature, SIGNED_AT, now=NOW
        )


def test_a_signature_from_another_key_is_rejected(public_key_b64):
    stranger = ec.generate_private_key(ec.SECP256R1())
    with pytest.raises(InvalidSignature):
        verify_signature(
            public_key_b64, PAYLOAD, sign(stranger, SIGNED_AT, PAYLOAD), SIGNED_AT, now=NOW
        )


def test_a_replayed_timestamp_is_rejected(signing_key, public_key_b64):
    signature = sign(signing_key, SIGNED_AT, PAYLOAD)
    with pytest.raises(InvalidSignature, match="from now"):
        verify_signature(public_key_b64, PAYLOAD, signature, SIGNED_AT, now=NOW + 600)


def test_a_moved_timestamp_breaks_the_signature(signing_key, public_key_b64):
    signature = sign(signing_key, SIGNED_AT, PAYLOAD)
    with pytest.raises(InvalidSignature):
        verify_signature(public_key_b64, PAYLOAD, signature, "1700000301", now=NOW)


def test_garbage_in_the_signature_header_is_rejected(public_key_b64):
    with pytest.raises(InvalidSignature):
        verify_signature(public_key_b64, PAYLOAD, "not base64!", SIGNED_AT, now=NOW)


def test_a_misconfigured_key_is_a_value_error_not_a_bad_request():
    with pytest.raises(ValueError):
        verify_signature("bm90IGEga2V5", PAYLOAD, "c2ln", SIGNED_AT, now=NOW)


def test_events_carry_our_custom_args():
    delivered, bounce, spam = parse_events(PAYLOAD).events
    assert delivered.event == "delivered"
    assert delivered.custom_args == {"edition_id": "42", "delivery_id": "4242"}
    assert delivered.categories == ("digest",)
    assert delivered.timestamp == datetime(2023, 11, 14, 22, 13, 20, tzinfo=UTC)
    assert spam.sg_event_id == "c3BhbXJlcG9ydC0yLTI0ODc0NTY0LTEz"


def test_a_bounce_keeps_its_reason_type_and_classification():
    bounce = parse_events(PAYLOAD).events[1]
    assert (bounce.email, bounce.type) == ("gone@example.com", "bounce")
    assert bounce.bounce_classification == "Invalid Address"
    assert bounce.reason.startswith("550 5.1.1")
    assert bounce.categories == ("digest", "daily")


@pytest.mark.parametrize("body", [b'{"event": "delivered"}', b"not json", b"\xff\xfe",
                                  b'[{"event": "delivered"}, {"event": "bou'])
def test_a_body_that_is_not_an_array_is_a_value_error(body):
    with pytest.raises(ValueError):
        parse_events(body)


GOOD = {"email": "a@example.org", "timestamp": 1_700_000_000, "event": "bounce",
        "sg_event_id": "good"}


@pytest.mark.parametrize("bad", [
    {"email": "a@example.org"},  # no event, id or time
    {**GOOD, "timestamp": 1e20}, {**GOOD, "timestamp": -1}, {**GOOD, "timestamp": "1700000000"},
    {**GOOD, "timestamp": True}, {**GOOD, "sg_message_id": 42}, {**GOOD, "sg_message_id": ["x"]},
    {**GOOD, "delivery_id": "1" * 23}, {**GOOD, "delivery_id": "0"}, {**GOOD, "delivery_id": "٣"},
    {**GOOD, "category": 7}, {**GOOD, "category": ["digest", 7]}, {**GOOD, "email": ["a"]},
    {**GOOD, "sg_event_id": "x" * 129}, {**GOOD, "reason": {"nested": True}}, 1, None, "text",
])
def test_an_invalid_item_is_left_out_and_counted(bad):
    batch = parse_events(json.dumps([bad, GOOD]).encode())
    assert [event.sg_event_id for event in batch.events] == ["good"] and batch.invalid == 1


def test_an_item_nested_too_deep_for_json_is_left_out_and_the_others_read():
    deep = b"[" * 100_000 + b"]" * 100_000
    body = b'[{"email": "x,]\\\\"}, ' + deep + b", " + json.dumps(GOOD).encode() + b"]"
    batch = parse_events(body)
    assert [event.sg_event_id for event in batch.events] == ["good"] and batch.invalid == 2


def test_the_elements_of_an_array_are_found_without_parsing_them():
    assert array_elements('[{"a": "x,]\\"y"}, [1, [2]], 3, "s"]') == [
        '{"a": "x,]\\"y"}', " [1, [2]]", " 3", ' "s"']
    assert array_elements("{}") == [] and array_elements("[]") == []
