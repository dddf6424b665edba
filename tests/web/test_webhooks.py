"""SendGrid's signed Event Webhook: only genuine, fresh events change anything, each once."""

import base64
import json
import time

import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from fastapi.testclient import TestClient

from newsletter import subscriptions
from newsletter.models import ProviderEvent
from newsletter.web import create_app
from tests.support.databases import services_with

KEY = ec.generate_private_key(ec.SECP256R1())
PUBLIC_KEY = base64.b64encode(KEY.public_key().public_bytes(
    serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)).decode()


def event(kind: str, address: str, event_id: str, **extra) -> dict:
    return {"email": address, "timestamp": 1_700_000_000, "event": kind,
            "sg_event_id": event_id, **extra}


@pytest.fixture
def client(services):
    signed = services_with(services, sendgrid_webhook_public_key=PUBLIC_KEY)
    return TestClient(create_app(signed), base_url="https://testserver")


@pytest.fixture
def readers(cast):
    for address in ("gone@example.org", "slow@example.org", "fine@example.org"):
        cast.reader(address, [])
    cast.commit()


def post(client, events, signed_at=None, key=KEY):
    body = json.dumps(events).encode()
    timestamp = str(int(signed_at if signed_at is not None else time.time()))
    signature = base64.b64encode(key.sign(timestamp.encode() + body, ec.ECDSA(hashes.SHA256())))
    return client.post("/webhooks/sendgrid", content=body, headers={
        "X-Twilio-Email-Event-Webhook-Signature": signature.decode(),
        "X-Twilio-Email-Event-Webhook-Timestamp": timestamp,
        "Content-Type": "application/json"})


def status(session, address):
    session.expire_all()
    return subscriptions.find_subscriber(session, address).status


def test_a_hard_bounce_suppresses_the_address(client, session, readers):
    response = post(client, [event("bounce", "gone@example.org", "e1", type="bounce")])
    assert response.status_code == 200
    assert status(session, "gone@example.org") == subscriptions.SUPPRESSED
    assert subscriptions.is_suppressed(session, "gone@example.org")
    assert status(session, "fine@example.org") == subscriptions.CONFIRMED


@pytest.mark.parametrize("kind", ["dropped", "spamreport", "unsubscribe", "group_unsubscribe"])
def test_every_final_event_suppresses(client, session, readers, kind):
    assert post(client, [event(kind, "gone@example.org", "e1")]).status_code == 200
    assert status(session, "gone@example.org") == subscriptions.SUPPRESSED


def test_soft_bounces_are_counted_not_suppressed(client, session, readers):
    post(client, [event("deferred", "slow@example.org", "d1"),
                  event("bounce", "slow@example.org", "b1", type="blocked")])
    session.expire_all()
    slow = subscriptions.find_subscriber(session, "slow@example.org")
    assert (slow.status, slow.soft_bounces) == (subscriptions.CONFIRMED, 2)


def test_a_redelivered_event_is_applied_once(client, session, readers):
    deferred = event("deferred", "slow@example.org", "same-id")
    assert post(client, [deferred]).json() == {"soft_bounce": 1}
    assert post(client, [deferred, deferred]).json() == {"duplicate": 2}
    session.expire_all()
    assert subscriptions.find_subscriber(session, "slow@example.org").soft_bounces == 1


def test_a_bad_signature_is_refused_and_changes_nothing(client, session, readers):
    forger = ec.generate_private_key(ec.SECP256R1())
    response = post(client, [event("bounce", "fine@example.org", "f1")], key=forger)
    assert response.status_code == 403
    assert status(session, "fine@example.org") == subscriptions.CONFIRMED
    assert session.query(ProviderEvent).count() == 0


def test_an_old_timestamp_is_refused_and_changes_nothing(client, session, readers):
    response = post(client, [event("bounce", "fine@example.org", "f1")],
                    signed_at=time.time() - 3600)
    assert response.status_code == 403
    assert status(session, "fine@example.org") == subscriptions.CONFIRMED


def test_a_signed_body_that_is_not_events_is_a_bad_request(client, session, readers):
    assert post(client, {"event": "bounce"}).status_code == 400


def test_without_a_configured_key_the_endpoint_does_not_exist(services, readers):
    response = TestClient(create_app(services)).post("/webhooks/sendgrid", content=b"[]")
    assert response.status_code == 404
