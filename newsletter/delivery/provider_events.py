"""What the provider tells us after sending: suppress hard failures, count soft ones, once each.

Each event is applied at most once, by its id (providers redeliver webhooks). bounce, dropped,
spamreport, unsubscribe and group_unsubscribe suppress the address with the event as the reason,
so it is never mailed again; deferred and blocked bounces (temporary, SendGrid retries them) are
counted on the subscriber. Other events (processed, delivered, open, click) change no subscriber.

Every event that names a delivery (the `delivery_id` custom arg our digests carry) also proves
that SendGrid accepted that digest: its ledger row is closed as sent if it still waited for an
answer (`ledger.confirm_sent`), so the recovery after a crash does not send it again.

A batch is applied in bulk, a few statements per few hundred events: SendGrid posts up to
thousands at once and gives up on an answer after 3 seconds.
"""

from __future__ import annotations

from collections import Counter

from sqlalchemy.orm import Session

from newsletter.db import insert_ignoring_duplicates
from newsletter.delivery import ledger
from newsletter.mail.sendgrid_webhook import Event
from newsletter.models import ProviderEvent, utcnow
from newsletter.subscribers import subscriptions

SUPPRESSING = frozenset({"bounce", "dropped", "spamreport", "unsubscribe", "group_unsubscribe"})
SOFT, SUPPRESSED, IGNORED, DUPLICATE = "soft_bounce", "suppressed", "ignored", "duplicate"
CONFIRMED = "deliveries_confirmed"


def classify(event: Event) -> str:
    """SOFT, SUPPRESSED or IGNORED: what this event does to its address."""
    if event.event == "deferred" or (event.event == "bounce" and event.type == "blocked"):
        return SOFT
    return SUPPRESSED if event.event in SUPPRESSING else IGNORED


def recorded_name(event: Event) -> str:
    """The event's name as `provider_events` keeps it for the operator's figures: SendGrid's,
    but a temporary "blocked" bounce is "blocked", so "bounce" counts the permanent ones."""
    return "blocked" if event.event == "bounce" and event.type == "blocked" else event.event


def apply_events(session: Session, events: list[Event]) -> Counter:
    """Apply each event not applied before; count what happened (DUPLICATE for repeats; an
    address that is not one is IGNORED). The caller commits."""
    fresh = _first_time(session, events)
    outcomes = Counter({DUPLICATE: len(events) - len(fresh)})
    suppressed: dict[str, str] = {}  # address: the first suppressing event's name
    soft: Counter = Counter()
    normalized = _Addresses()
    for event in fresh:
        kind = classify(event)
        address = normalized[event.email] if kind != IGNORED else None
        if address is None:
            kind = IGNORED
        elif kind == SUPPRESSED:
            suppressed.setdefault(address, event.event)
        else:
            soft[address] += 1
        outcomes[kind] += 1
    subscriptions.suppress_all(session, suppressed)
    subscriptions.count_soft_bounces(session, soft)
    outcomes[CONFIRMED] = ledger.confirm_sent(session, accepted_deliveries(events))
    return +outcomes  # without the zero counts


def accepted_deliveries(events: list[Event]) -> dict[int, str]:
    """{delivery id: SendGrid message id} of the events that name one of our deliveries. The
    X-Message-Id of the request is the part of `sg_message_id` before the first dot."""
    accepted = {}
    for event in events:
        delivery_id = event.custom_args.get("delivery_id", "")
        if delivery_id.isdigit() and event.sg_message_id:
            accepted[int(delivery_id)] = event.sg_message_id.split(".", 1)[0]
    return accepted


def _first_time(session: Session, events: list[Event]) -> list[Event]:
    """The events not applied before, each once, recorded as applied now. The primary key
    decides, so two deliveries of one event racing each other apply it once."""
    by_id: dict[str, Event] = {}
    for event in events:
        by_id.setdefault(event.sg_event_id, event)
    now = utcnow()
    rows = [{"event_id": event_id, "event": recorded_name(event), "received_at": now}
            for event_id, event in by_id.items()]
    insert = insert_ignoring_duplicates(session, ProviderEvent).returning(
        ProviderEvent.__table__.c.event_id)
    recorded = set(session.connection().execute(insert, rows).scalars()) if rows else set()
    return [event for event_id, event in by_id.items() if event_id in recorded]


class _Addresses(dict):
    """Each address of a batch normalized once; None for one that is not an address (nothing of
    ours to change)."""

    def __missing__(self, address: str) -> str | None:
        try:
            self[address] = subscriptions.normalize_email(address)
        except subscriptions.SubscriptionError:
            self[address] = None
        return self[address]
