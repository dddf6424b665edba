"""How the work of a run is split between workers: papers in at most NEWSLETTER_LLM_CONCURRENCY
chunks (the bound on model calls at once), due subscribers in ranges of ids."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from newsletter import ledger, schedule
from newsletter.digests import build_edition, undelivered
from newsletter.models import Delivery, Edition, Subscriber


def split(items: list, parts: int) -> list[list]:
    """`items` in at most `parts` consecutive chunks of nearly equal size, none empty."""
    size = -(-len(items) // max(parts, 1))
    return [items[start:start + size] for start in range(0, len(items), size or 1)]


def id_ranges(ids: list[int], size: int) -> list[tuple[int, int]]:
    """Ascending `ids` in consecutive groups of `size`, each as its (first id, last id)."""
    return [(ids[start], ids[min(start + size, len(ids)) - 1])
            for start in range(0, len(ids), size)]


def due_ids(session: Session, edition: Edition, now: dt.datetime | None) -> list[int]:
    """The confirmed subscribers without a ledger row for the edition whose digest is due at
    `now` (None: whatever the hour), in id order. Only the plan: `deliver_edition` decides."""
    columns = (Subscriber.id, Subscriber.frequency, Subscriber.delivery_hour, Subscriber.timezone)
    rows = session.execute(undelivered(edition.id, None, None, *columns).order_by(Subscriber.id))
    return [row.id for row in rows if schedule.is_due(row, edition.date, now)]


def held_ids(session: Session, edition: Edition) -> list[int]:
    """The subscribers whose row for the edition is still held ("claimed" or "sending"): a run
    resumed after its tasks were lost must cover them too, so that they are taken back."""
    query = select(Delivery.subscriber_id).where(
        Delivery.edition_id == edition.id,
        Delivery.status.in_((ledger.CLAIMED, ledger.SENDING)))
    return list(session.scalars(query))


@dataclass
class DeliveryPlan:
    edition_ids: list[int] = field(default_factory=list)
    batches: list[tuple[int, int, int]] = field(default_factory=list)  # edition, first, last id
    planned: int = 0


def plan_delivery(session: Session, date: dt.date, now: dt.datetime | None,
                  size: int) -> DeliveryPlan:
    """The delivery tasks of a run for `date`, as `newsletter run` delivers: the edition of the
    date (built if need be) and, when the hour counts, the day before's to those due later."""
    editions = [build_edition(session, date)]
    previous = session.scalar(select(Edition).where(Edition.date == date - dt.timedelta(days=1)))
    if previous is not None and now is not None:
        editions.append(previous)
    plan = DeliveryPlan(edition_ids=[edition.id for edition in editions])
    for edition in editions:
        due = sorted({*due_ids(session, edition, now), *held_ids(session, edition)})
        plan.planned += len(due)
        plan.batches += [(edition.id, first, last) for first, last in id_ranges(due, size)]
    return plan
