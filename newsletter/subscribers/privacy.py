"""A subscriber's rights over their data: export it (JSON) and erase it.

Erasure deletes the subscriber and everything that names them (consent records, the delivery
ledger, sent papers and paper ratings go with the row); only a hash of the address stays on the suppression
list, so that no import or form can add the address back.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from newsletter.models import Consent, Delivery, Edition, Subscriber
from newsletter.personal import Interests
from newsletter.personal.store import export_ratings
from newsletter.subscribers import subscriptions

ERASED = "erased"


def export_data(session: Session, subscriber: Subscriber) -> dict:
    """Everything stored about the subscriber, as JSON-ready values."""
    consents = session.scalars(select(Consent).where(Consent.subscriber_id == subscriber.id)
                               .order_by(Consent.id))
    deliveries = session.execute(
        select(Delivery, Edition.date).join(Edition, Edition.id == Delivery.edition_id)
        .where(Delivery.subscriber_id == subscriber.id).order_by(Delivery.id))
    return {
        "email": subscriber.email,
        "status": subscriber.status,
        "preferences": {"topics": list(subscriber.topics or []),
                        "frequency": subscriber.frequency,
                        "delivery_hour": subscriber.delivery_hour,
                        "timezone": subscriber.timezone,
                        "max_papers": subscriber.max_papers,
                        "language": subscriber.language},
        "interests": Interests.from_dict(subscriber.interests).to_dict(),
        "ratings": export_ratings(session, subscriber.id),
        "subscribed_at": _iso(subscriber.created_at),
        "confirmed_at": _iso(subscriber.confirmed_at),
        "unsubscribed_at": _iso(subscriber.unsubscribed_at),
        "consents": [_consent(c) for c in consents],
        "deliveries": [{"edition": date.isoformat(), "status": d.status,
                        "sent_at": _iso(d.sent_at), "papers": list(d.paper_ids or [])}
                       for d, date in deliveries],
    }


def _consent(consent: Consent) -> dict:
    return {"requested_at": _iso(consent.requested_at), "ip": consent.ip,
            "user_agent": consent.user_agent, "form_version": consent.form_version,
            "confirmed_at": _iso(consent.confirmed_at), "confirmed_ip": consent.confirmed_ip}


def _iso(value: dt.datetime | None) -> str | None:
    return value.isoformat() + "Z" if value else None


def erase(session: Session, subscriber: Subscriber) -> None:
    """Delete the subscriber's personal data, keeping a hashed suppression entry."""
    subscriptions.suppress(session, subscriber.email, ERASED)
    # the database cascades the delete to consents, deliveries, sent papers and ratings
    session.delete(subscriber)
    session.flush()
