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

A row gets its `paper_ids` when it moves to "sending"; when it is closed as sent, the database
copies them into `sent_papers` (the record that no paper reaches a reader twice); a failed row
drops them. Every statement works on a whole batch of rows, so a run makes a few statements per
request, not per reader.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from sqlalchemy import delete, func, select, true, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from newsletter.models import Delivery, SentPaper, utcnow

CLAIMED, SENDING, SENT, EMPTY, FAILED, UNKNOWN = (
    "claimed", "sending", "sent", "empty", "failed", "unknown")
LEASE = dt.timedelta(minutes=30)  # longer than a request with all its rate-limit waits


@dataclass
class Outcome:
    """What happened to one row in "sending": sent with `message_id`, or failed with `error`."""

    delivery_id: int
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
    return _claim(session, edition_id, {subscriber_id: status for subscriber_id in subscriber_ids})


def claim_digests(session: Session, edition_id: int,
                  picks: Mapping[int, Sequence]) -> dict[int, int]:
    """Claim every reader's row in one insert and one commit: "claimed" for a reader with
    papers, "empty" for one without; return {subscriber id: delivery id} for the rows claimed."""
    return _claim(session, edition_id, {subscriber_id: CLAIMED if papers else EMPTY
                                        for subscriber_id, papers in picks.items()})


def _claim(session: Session, edition_id: int, statuses: Mapping[int, str]) -> dict[int, int]:
    now = utcnow()
    rows = [{"subscriber_id": subscriber_id, "edition_id": edition_id, "status": status,
             "claimed_at": now, "paper_ids": []} for subscriber_id, status in statuses.items()]
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


def start_sending(session: Session,
                  batches: Iterable[tuple[list[int], Sequence[str]]]) -> set[int]:
    """Move the rows of each (delivery ids, paper ids) batch from "claimed" to "sending" with
    the papers their email carries, one statement a batch and one commit, before the requests;
    return the ids moved. A row released meanwhile (stale lease) is not returned, so not sent."""
    now, moved = utcnow(), set()
    for delivery_ids, paper_ids in batches:
        statement = (update(Delivery)
                     .where(Delivery.id.in_(delivery_ids), Delivery.status == CLAIMED)
                     .values(status=SENDING, sending_at=now, paper_ids=list(paper_ids))
                     .returning(Delivery.id))
        moved.update(session.scalars(statement))
    session.commit()
    return moved


def record(session: Session, outcomes: list[Outcome]) -> None:
    """Close the rows of some requests with their outcomes and commit: sent rows keep the
    provider's message id (one statement per request, which shares it) and each of their
    papers is marked as sent (one INSERT ... SELECT from the rows' paper ids); failed rows
    keep the error and drop their papers, which stay eligible for a later edition."""
    now, by_message = utcnow(), defaultdict(list)
    for outcome in outcomes:
        if outcome.error is None:
            by_message[outcome.message_id].append(outcome.delivery_id)
    for message_id, delivery_ids in by_message.items():
        session.execute(update(Delivery).where(Delivery.id.in_(delivery_ids))
                        .values(status=SENT, sent_at=now, provider_message_id=message_id)
                        .execution_options(synchronize_session=False))
        session.execute(_mark_papers_sent(session, delivery_ids))
    failed = [{"id": o.delivery_id, "status": FAILED, "error": o.error[:2000], "paper_ids": []}
              for o in outcomes if o.error is not None]
    if failed:
        session.execute(update(Delivery), failed)
    session.commit()


def _mark_papers_sent(session: Session, delivery_ids: list[int]):
    """INSERT INTO sent_papers a row per paper id of these deliveries, computed by the database
    from their JSON `paper_ids` (no row travels from Python: 25 papers x 1,000 readers a request)."""
    postgres = session.get_bind().dialect.name == "postgresql"
    papers = (func.json_array_elements_text if postgres else func.json_each)(
        Delivery.paper_ids).table_valued("value")
    rows = (select(Delivery.subscriber_id, papers.c.value, Delivery.id)
            .join_from(Delivery, papers, true())  # each row joins its own papers: a lateral join
            .where(Delivery.id.in_(delivery_ids)))
    return (_insert(session, SentPaper.__table__)
            .from_select(["subscriber_id", "paper_id", "delivery_id"], rows)
            .on_conflict_do_nothing())


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
