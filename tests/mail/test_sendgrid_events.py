"""SendGrid Event Webhook: signature checks with a key pair made here, and event parsing."""

from __future__ import annotations

import base64
from datetime import UTC, datetime
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec

from newsletter.mail.sendgrid_events import InvalidSignature, parse_events, verify_signature

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
    delivered, bounce, spam = parse_events(PAYLOAD)
    assert delivered.event == "delivered"
    assert delivered.custom_args == {"edition_id": "42", "delivery_id": "4242"}
    assert delivered.categories == ("digest",)
    assert delivered.timestamp == datetime(2023, 11, 14, 22, 13, 20, tzinfo=UTC)
    assert spam.sg_event_id == "c3BhbXJlcG9ydC0yLTI0ODc0NTY0LTEz"


def test_a_bounce_keeps_its_reason_type_and_classification():
    bounce = parse_events(PAYLOAD)[1]
    assert (bounce.email, bounce.type) == ("gone@example.com", "bounce")
    assert bounce.bounce_classification == "Invalid Address"
    assert bounce.reason.startswith("550 5.1.1")
    assert bounce.categories == ("digest", "daily")


@pytest.mark.parametrize("body", [b'{"event": "delivered"}', b'[{"email": "a@b.c"}]', b"[1]"])
def test_a_body_that_is_not_an_event_array_is_a_value_error(body):
    with pytest.raises(ValueError):
        parse_events(body)
