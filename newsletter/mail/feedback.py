"""What the provider tells us after sending: suppress hard failures, count soft ones, once each.

Each event is applied at most once, by its id (providers redeliver webhooks). bounce, dropped,
spamreport, unsubscribe and group_unsubscribe suppress the address with the event as the reason,
so it is never mailed again; deferred and blocked bounces (temporary, SendGrid retries them) are
counted on the subscriber. Other events (processed, delivered, open, click) change no subscriber.

Every event that names a delivery (the `delivery_id` custom arg our digests carry) also proves
that SendGrid accepted that digest: its ledger row is closed as sent if it still waited for an
answer (`ledger.confirm_sent`), so the recovery after a crash does not send it again.
"""

from __future__ import annotations

from collections import Counter

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from newsletter import ledger, subscriptions
from newsletter.mail.sendgrid_events import Event
from newsletter.models import ProviderEvent

SUPPRESSING = frozenset({"bounce", "dropped", "spamreport", "unsubscribe", "group_unsubscribe"})
SOFT, SUPPRESSED, IGNORED, DUPLICATE = "soft_bounce", "suppressed", "ignored", "duplicate"
CONFIRMED = "deliveries_confirmed"


def classify(event: Event) -> str:
    """SOFT, SUPPRESSED or IGNORED: what this event does to its address."""
    if event.event == "deferred" or (event.event == "bounce" and event.type == "blocked"):
        return SOFT
    return SUPPRESSED if event.event in SUPPRESSING else IGNORED


def apply_events(session: Session, events: list[Event]) -> Counter:
    """Apply each event not applied before; count what happened (DUPLICATE for repeats).
    The caller commits."""
    outcomes: Counter = Counter()
    for event in events:
        outcomes[_apply(session, event) if _first_time(session, event) else DUPLICATE] += 1
    confirmed = ledger.confirm_sent(session, accepted_deliveries(events))
    if confirmed:
        outcomes[CONFIRMED] = confirmed
    return outcomes


def accepted_deliveries(events: list[Event]) -> dict[int, str]:
    """{delivery id: SendGrid message id} of the events that name one of our deliveries. The
    X-Message-Id of the request is the part of `sg_message_id` before the first dot."""
    accepted = {}
    for event in events:
        delivery_id = event.custom_args.get("delivery_id", "")
        if delivery_id.isdigit() and event.sg_message_id:
            accepted[int(delivery_id)] = event.sg_message_id.split(".", 1)[0]
    return accepted


def _first_time(session: Session, event: Event) -> bool:
    # The primary key decides, so two deliveries of one event racing each other apply it once.
    try:
        with session.begin_nested():
            session.add(ProviderEvent(event_id=event.sg_event_id[:128], event=event.event[:32]))
    except IntegrityError:
        return False
    return True


def _apply(session: Session, event: Event) -> str:
    kind = classify(event)
    try:
        if kind == SUPPRESSED:
            subscriptions.suppress(session, event.email, event.event)
        elif kind == SOFT:
            subscriber = subscriptions.find_subscriber(session, event.email)
            if subscriber is not None:
                subscriber.soft_bounces = (subscriber.soft_bounces or 0) + 1
    except subscriptions.SubscriptionError:  # not an address: nothing of ours to change
        return IGNORED
    return kind
