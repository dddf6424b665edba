"""Who gets what today: the editions to deliver, the readers due (or held by a run that died),
and the shares of readers that one `day.deliver` call (one worker task) delivers. Both modes
plan the same way; `deliver_edition` still decides reader by reader when it claims a row.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from sqlalchemy.orm import Session

from newsletter.delivery import ledger, schedule
from newsletter.delivery.readers import undelivered
from newsletter.editions.build import build_edition, edition_on
from newsletter.models import Edition, Subscriber

if TYPE_CHECKING:
    from newsletter.day import Day


@dataclass(frozen=True)
class Share:
    """One edition's readers with ids in [first_id, last_id]: one `day.deliver` (one task)."""

    edition_id: int
    first_id: int
    last_id: int


@dataclass
class DeliveryPlan:
    edition_ids: list[int] = field(default_factory=list)
    shares: list[Share] = field(default_factory=list)
    planned: int = 0  # readers due or held, every edition
    # the readers of the day's own edition not mailed yet, by why (schedule.why_not_due)
    waiting: Counter = field(default_factory=Counter)

    @property
    def not_due(self) -> int:
        return sum(self.waiting.values())


def editions_to_deliver(session: Session, day: Day) -> list[Edition]:
    """The day's edition (built if need be) and, when the hour counts (`day.now`), the day
    before's: readers west of UTC whose hour came after that day ended in UTC get it now."""
    editions = [build_edition(session, day.date)]
    previous = edition_on(session, day.date - dt.timedelta(days=1))
    if previous is not None and day.now is not None:
        editions.append(previous)
    return editions


def due_ids(session: Session, edition: Edition,
            now: dt.datetime | None) -> tuple[list[int], Counter]:
    """The confirmed readers without a ledger row for the edition whose digest is due at `now`
    (schedule.is_due; None: whatever the hour), in id order, and the others counted by why
    they are not due (schedule.why_not_due)."""
    columns = (Subscriber.id, Subscriber.frequency, Subscriber.delivery_hour,
               Subscriber.timezone, Subscriber.confirmed_at)
    rows = session.execute(undelivered(edition.id, None, None, *columns).order_by(Subscriber.id))
    due, waiting = [], Counter()
    for row in rows:
        if schedule.is_due(row, edition.date, now):
            due.append(row.id)
        else:
            waiting[schedule.why_not_due(row, edition.date, now)] += 1
    return due, waiting


def id_ranges(ids: list[int], size: int) -> list[tuple[int, int]]:
    """Ascending `ids` in consecutive groups of `size`, each as its (first id, last id)."""
    return [(ids[start], ids[min(start + size, len(ids)) - 1])
            for start in range(0, len(ids), size)]


def plan_delivery(session: Session, day: Day, share_size: int | None) -> DeliveryPlan:
    """For each edition to deliver: the due readers and the held ones, in shares of
    `share_size` ids (None: one share spanning them all); no share when there is nobody."""
    editions = editions_to_deliver(session, day)
    plan = DeliveryPlan(edition_ids=[edition.id for edition in editions])
    for position, edition in enumerate(editions):
        due, waiting = due_ids(session, edition, day.now)
        readers = sorted({*due, *ledger.held_subscriber_ids(session, edition.id)})
        plan.planned += len(readers)
        if position == 0:  # counted once, for the day's edition
            plan.waiting = waiting
        plan.shares += [Share(edition.id, first, last)
                        for first, last in id_ranges(readers, share_size or len(readers) or 1)]
    return plan
