"""SendGrid's signed Event Webhook: only genuine, fresh events change anything, each once."""

import base64
import datetime as dt
import json
import time

import pytest
import sqlalchemy
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from fastapi.testclient import TestClient

from newsletter.models import Delivery, Edition, ProviderEvent, Subscriber, utcnow
from newsletter.services import Services
from newsletter.subscribers import privacy, subscriptions
from newsletter.web import create_app
from tests.support.databases import services_with

pytestmark = pytest.mark.own_database  # the app's sender thread reads the database too
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
    return post_raw(client, json.dumps(events).encode(), signed_at, key)


def post_raw(client, body: bytes, signed_at=None, key=KEY):
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


@pytest.fixture
def stored(stored_url, settings):
    """(a client of the webhook, the services) on SQLite, then on the local PostgreSQL, with
    the three subscribers of `cast`."""
    services = Services(settings.model_copy(update={"database_url": stored_url,
                                                    "sendgrid_webhook_public_key": PUBLIC_KEY}))
    with services.factory() as session:
        for address in ("gone@example.org", "slow@example.org", "fine@example.org"):
            subscriptions.subscribe(session, address, [], services.taxonomy, confirmed=True)
        session.commit()
    return TestClient(create_app(services), base_url="https://testserver"), services


def statuses(services) -> dict[str, tuple[str, int]]:
    with services.factory() as session:
        return {s.email: (s.status, s.soft_bounces)
                for s in session.query(Subscriber)}


def test_malformed_items_of_a_signed_batch_are_skipped_and_counted_the_others_applied(stored):
    client, services = stored
    deep = "[" * 50_000 + "]" * 50_000
    bad = [event("bounce", "fine@example.org", "t", timestamp=1e20),
           event("bounce", "fine@example.org", "m1", sg_message_id=42),
           event("bounce", "fine@example.org", "m2", sg_message_id=["a", "b"]),
           event("bounce", "fine@example.org", "d", delivery_id="1" * 23),
           event("bounce", "fine@example.org", "c", category={"x": 1}), "not an event", None]
    good = [event("bounce", "gone@example.org", "g1", type="bounce"),
            event("deferred", "slow@example.org", "g2")]
    body = json.dumps(bad + good).encode().replace(b'"not an event"', deep.encode())
    response = post_raw(client, body)
    assert response.status_code == 200
    assert response.json() == {"suppressed": 1, "soft_bounce": 1, "invalid": 7}
    assert statuses(services) == {"gone@example.org": (subscriptions.SUPPRESSED, 0),
                                  "slow@example.org": (subscriptions.CONFIRMED, 1),
                                  "fine@example.org": (subscriptions.CONFIRMED, 0)}


@pytest.mark.parametrize("body", [b"[" * 100_000 + b"]" * 100_000, b"{" * 10_000, b"\xff\xfe"])
def test_a_signed_body_nobody_can_read_is_never_a_server_error(client, cast, body):
    assert post_raw(client, body).status_code in (200, 400)


def test_a_batch_of_5000_events_is_applied_in_bulk(stored):
    """SendGrid posts up to thousands of events at once and gives up after 3 s: a few
    statements per few hundred events, not one per event (the bench measures the time)."""
    client, services = stored
    events = [event("delivered", "fine@example.org", f"e{n}", sg_message_id=f"m{n % 7}.f",
                    delivery_id=str(n + 1)) for n in range(4990)]
    events += [event("bounce", f"reader{n}@example.org", f"b{n}", type="bounce")
               for n in range(5)] + [event("deferred", "slow@example.org", f"s{n}")
                                     for n in range(5)]
    statements = []
    engine = services.factory.kw["bind"]
    listen = lambda *args: statements.append(args[2])  # noqa: E731
    sqlalchemy.event.listen(engine, "before_cursor_execute", listen)
    try:
        response = post(client, events)
    finally:
        sqlalchemy.event.remove(engine, "before_cursor_execute", listen)
    assert response.json() == {"ignored": 4990, "suppressed": 5, "soft_bounce": 5}
    assert len(statements) < 60
    assert statuses(services)["slow@example.org"] == (subscriptions.CONFIRMED, 5)
    assert post(client, events).json() == {"duplicate": 5000}


def sending_delivery(services, address="fine@example.org", date=dt.date(2026, 11, 23)) -> int:
    """A digest of `address` handed to SendGrid, its answer not recorded yet."""
    with services.factory() as session:
        reader = subscriptions.find_subscriber(session, address)
        edition = Edition(date=date)
        session.add(edition)
        session.flush()
        delivery = Delivery(subscriber_id=reader.id, edition_id=edition.id, status="sending",
                            sending_at=utcnow())
        session.add(delivery)
        session.commit()
        return delivery.id


def test_a_message_id_too_long_to_store_is_an_invalid_item_not_a_server_error(stored):
    """PostgreSQL refuses a value longer than its column: the event is skipped, not the batch."""
    client, services = stored
    delivery_id = str(sending_delivery(services))
    too_long = event("delivered", "fine@example.org", "long", delivery_id=delivery_id,
                     sg_message_id="m" * 300 + ".filter")
    good = event("bounce", "gone@example.org", "g1", type="bounce")
    response = post(client, [too_long, good])
    assert response.status_code == 200
    assert response.json() == {"suppressed": 1, "invalid": 1}
    with services.factory() as session:
        assert session.get(Delivery, int(delivery_id)).status == "sending"


def test_a_number_too_long_for_python_skips_its_item_not_the_batch(stored):
    """Python refuses to read an integer of more than 4,300 digits (a ValueError, like a body
    that is not JSON): only that item is left out."""
    client, services = stored
    huge = json.dumps(event("bounce", "fine@example.org", "huge")).replace(
        '"timestamp": 1700000000', '"timestamp": ' + "9" * 5000)
    good = json.dumps(event("bounce", "gone@example.org", "g1", type="bounce"))
    response = post_raw(client, f"[{huge}, {good}]".encode())
    assert response.status_code == 200
    assert response.json() == {"suppressed": 1, "invalid": 1}
    assert statuses(services)["fine@example.org"] == (subscriptions.CONFIRMED, 0)


def test_a_late_event_of_an_erased_readers_digest_never_closes_another_readers(stored):
    """Opens and clicks come days later: the erased reader's delivery id must name nobody's."""
    client, services = stored
    erased_delivery = sending_delivery(services, "gone@example.org")
    with services.factory() as session:
        privacy.erase(session, subscriptions.find_subscriber(session, "gone@example.org"))
        session.commit()
    next_delivery = sending_delivery(services, "fine@example.org", dt.date(2026, 11, 24))
    assert next_delivery > erased_delivery
    late = event("open", "gone@example.org", "late", delivery_id=str(erased_delivery),
                 sg_message_id="gone-message.filter")
    assert post(client, [late]).status_code == 200
    with services.factory() as session:
        assert session.get(Delivery, next_delivery).status == "sending"
