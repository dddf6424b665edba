"""The delivery ledger: one row per (subscriber, edition), the guard against double sends.

A row's life: claimed -> sending -> sent | failed; or claimed as empty (nothing to send), or
claimed -> released (deleted: nothing was sent) when its holder vanished.

The guarantee: **at most one email per subscriber and edition, always**. Rows are claimed (a
unique insert, committed) before anything is sent, and moved to "sending" (committed) just before
the request; a row is only ever sent from "claimed", so nothing in "sending" is sent again.
Exactly once, unless a process dies (or loses the provider's answer) between "sending" and the
answer: those rows are closed as "unknown" after the lease, never resent, and their papers stay
eligible for a later edition. Claimed rows of a dead process were never sent: after the lease
they are released, and the next run sends them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import delete, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from newsletter.models import Delivery, SentPaper, utcnow

CLAIMED, SENDING, SENT, EMPTY, FAILED, UNKNOWN = (
    "claimed", "sending", "sent", "empty", "failed", "unknown")
LEASE = dt.timedelta(minutes=30)  # longer than a request with all its rate-limit waits


@dataclass
class Outcome:
    """What happened to one claimed row: sent with `message_id`, or failed with `error`."""

    delivery_id: int
    subscriber_id: int
    paper_ids: list[str]
    message_id: str | None = None
    error: str | None = None


def _insert(session: Session, model):
    # ON CONFLICT DO NOTHING is spelled by the dialect: PostgreSQL in production, SQLite embedded.
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    return dialect.insert(model)


def claim(session: Session, edition_id: int, subscriber_ids: Iterable[int],
          status: str = CLAIMED) -> dict[int, int]:
    """Claim the rows of these subscribers for this edition, in one insert, and commit; return
    {subscriber id: delivery id} for the rows this call claimed (others hold the rest)."""
    now = utcnow()
    rows = [{"subscriber_id": subscriber_id, "edition_id": edition_id, "status": status,
             "claimed_at": now, "paper_ids": []} for subscriber_id in subscriber_ids]
    if not rows:
        return {}
    # RETURNING gives only the rows inserted, not those others hold; executemany lets the
    # driver batch the rows ("insertmanyvalues") with one compiled statement.
    statement = (_insert(session, Delivery.__table__)
                 .on_conflict_do_nothing(index_elements=["subscriber_id", "edition_id"])
                 .returning(Delivery.subscriber_id, Delivery.id))
    claimed = dict(session.connection().execute(statement, rows).all())
    session.commit()
    return claimed


def start_sending(session: Session, delivery_ids: list[int]) -> set[int]:
    """Move these rows from "claimed" to "sending" and commit, before the request; return the
    ids moved. A row released meanwhile (stale lease) is not returned, so it is not sent."""
    statement = (update(Delivery)
                 .where(Delivery.id.in_(delivery_ids), Delivery.status == CLAIMED)
                 .values(status=SENDING, sending_at=utcnow())
                 .returning(Delivery.id))
    moved = set(session.scalars(statement))
    session.commit()
    return moved


def record(session: Session, outcomes: list[Outcome]) -> None:
    """Close the rows of one request with their outcomes, in two bulk statements, and commit: a
    sent row keeps the provider's message id, and each of its papers is marked as sent."""
    now = utcnow()
    session.execute(update(Delivery), [_closing(outcome, now) for outcome in outcomes])
    sent_papers = [{"subscriber_id": o.subscriber_id, "paper_id": paper_id,
                    "delivery_id": o.delivery_id}
                   for o in outcomes if o.error is None for paper_id in o.paper_ids]
    if sent_papers:  # Core executemany: the ORM's bulk path is several times slower here
        statement = _insert(session, SentPaper.__table__).on_conflict_do_nothing()
        session.connection().execute(statement, sent_papers)
    session.commit()


def _closing(outcome: Outcome, now: dt.datetime) -> dict:
    if outcome.error is not None:
        return {"id": outcome.delivery_id, "status": FAILED, "error": outcome.error[:2000]}
    return {"id": outcome.delivery_id, "status": SENT, "sent_at": now,
            "provider_message_id": outcome.message_id, "paper_ids": outcome.paper_ids}


def recover_stale(session: Session, now: dt.datetime | None = None,
                  lease: dt.timedelta = LEASE) -> tuple[int, int]:
    """Finish what dead processes left: release "claimed" rows older than the lease (nothing was
    sent) and close "sending" ones as "unknown" (never resent). Commit; return both counts."""
    cutoff = (now or utcnow()) - lease
    released = session.execute(
        delete(Delivery).where(Delivery.status == CLAIMED, Delivery.claimed_at < cutoff)
        .execution_options(synchronize_session=False)).rowcount
    unknown = session.execute(
        update(Delivery).where(Delivery.status == SENDING, Delivery.sending_at < cutoff)
        .values(status=UNKNOWN, error="the process sending it stopped before the answer")
        .execution_options(synchronize_session=False)).rowcount
    session.commit()
    return released, unknown
