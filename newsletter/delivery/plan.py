"""Who gets what today: the editions to deliver, the readers due (or held by a run that died),
and the shares of readers that one `day.deliver` call (one worker task) delivers. Both modes
plan the same way; `deliver_edition` still decides reader by reader when it claims a row.

Shares of a size (the workers') are cut from the due readers' ids, streamed in order; one share
per edition (the in-process run) needs only how many readers are due and their first and last
ids, which SQL counts by schedule (`_counted`), reading readers one by one only where their
confirmation decides.
"""

from __future__ import annotations

import datetime as dt
import heapq
import math
from collections import Counter, namedtuple
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from sqlalchemy import func
from sqlalchemy.orm import Session

from newsletter.delivery import ledger, schedule
from newsletter.delivery.readers import undelivered
from newsletter.editions.build import build_edition, edition_on
from newsletter.models import Edition, Subscriber

STREAMED_ROWS = 10_000  # rows of subscribers read at a time while planning
# Planned in a number of parts, the readers are first cut in pieces of this many ids, then the
# pieces joined into the shares: the plan holds the pieces (a hundredth of the readers), never
# the ids, and the shares are equal to within a piece.
PIECE = 100
# ids per share when the workers are asked how many processes they run and none answers
FALLBACK_SHARE_SIZE = 5_000


@dataclass(frozen=True)
class Day:
    """The day a run is for: its edition's `date`, and `now` (naive UTC), the moment that
    decides who is due; None sends every digest of the day whatever the hour (`--all-due`)."""

    date: dt.date
    now: dt.datetime | None = None


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
    waiting = Counter()
    return list(_due_stream(session, edition, now, waiting)), waiting


def _due_stream(session: Session, edition: Edition, now: dt.datetime | None,
                waiting: Counter) -> Iterator[int]:
    """`due_ids` read a few thousand rows at a time, so a million readers are never all in
    memory; the readers not due are counted into `waiting` as they go by."""
    columns = (Subscriber.id, Subscriber.frequency, Subscriber.delivery_hour,
               Subscriber.timezone, Subscriber.confirmed_at)
    query = undelivered(edition.id, None, None, *columns).order_by(Subscriber.id)
    for row in session.execute(query.execution_options(yield_per=STREAMED_ROWS)):
        if schedule.is_due(row, edition.date, now):
            yield row.id
        else:
            waiting[schedule.why_not_due(row, edition.date, now)] += 1


def id_ranges(ids: Iterable[int], size: int | None) -> list[tuple[int, int]]:
    """Ascending `ids` in consecutive groups of `size` (None: one group), each as its (first id,
    last id)."""
    return [(share.first_id, share.last_id) for share in _shares(0, iter(ids), size)[0]]


def _shares(edition_id: int, ids: Iterator[int], size: int | None) -> tuple[list[Share], int]:
    """The shares of `size` ids (None: one share) that ascending `ids` make, and how many ids
    there were; the ids are read once, never held."""
    shares, count, first, last = [], 0, None, None
    for last in ids:
        first = last if first is None else first
        count += 1
        if size and count % size == 0:
            shares.append(Share(edition_id, first, last))
            first = None
    if first is not None:
        shares.append(Share(edition_id, first, last))
    return shares, count


def _distinct(ids: Iterable[int]) -> Iterator[int]:
    """Ascending `ids` without repeats."""
    previous = None
    for subscriber_id in ids:
        if subscriber_id != previous:
            yield subscriber_id
            previous = subscriber_id


def _joined(pieces: list[Share], count: int) -> list[Share]:
    """Consecutive `pieces` of one edition joined `count` at a time."""
    return [Share(group[0].edition_id, group[0].first_id, group[-1].last_id)
            for group in (pieces[start:start + count] for start in range(0, len(pieces), count))]


def plan_delivery(session: Session, day: Day, share_size: int | None,
                  parts: int = 1) -> DeliveryPlan:
    """For each edition to deliver: the due readers and the held ones, in shares of
    `share_size` ids, or else in about `parts` shares of equal size over every edition (at
    least one per edition with readers; fewer when there are fewer than `parts` pieces of
    PIECE ids); no share when there is nobody. The readers are streamed: the plan holds its
    shares and counts, not the readers' ids."""
    editions = editions_to_deliver(session, day)
    plan = DeliveryPlan(edition_ids=[edition.id for edition in editions])
    size = share_size or (PIECE if parts > 1 else None)  # None: one share per edition
    pieces_by_edition = []
    for position, edition in enumerate(editions):
        held, waiting = sorted(ledger.held_subscriber_ids(session, edition.id)), Counter()
        if size is None:
            shares, count = _one_share(edition.id, _counted(session, edition, day.now, waiting),
                                       held)
        else:
            readers = _distinct(heapq.merge(_due_stream(session, edition, day.now, waiting),
                                            held))
            shares, count = _shares(edition.id, readers, size)
        plan.planned += count
        pieces_by_edition.append(shares)
        if position == 0:  # counted once, for the day's edition
            plan.waiting = waiting
    pieces_per_share = (1 if share_size else
                        max(1, math.ceil(plan.planned / (max(parts, 1) * PIECE))))
    plan.shares = [share for pieces in pieces_by_edition
                   for share in _joined(pieces, pieces_per_share)]
    return plan


@dataclass
class _Due:
    """How many readers are due, and the first and last of their ids."""

    count: int = 0
    first_id: int | None = None
    last_id: int | None = None

    def add(self, count: int, first_id: int, last_id: int) -> None:
        self.count += count
        self.first_id = first_id if self.first_id is None else min(self.first_id, first_id)
        self.last_id = last_id if self.last_id is None else max(self.last_id, last_id)


def _one_share(edition_id: int, due: _Due, held: list[int]) -> tuple[list[Share], int]:
    """The one share of the due readers and the held ones (who have a ledger row, so are never
    among the due), and how many readers it holds."""
    if held:
        due.add(len(held), held[0], held[-1])
    if not due.count:
        return [], 0
    return [Share(edition_id, due.first_id, due.last_id)], due.count


# what decides whether a digest is due (schedule.is_due), for readers on one schedule
_Schedule = namedtuple("_Schedule", "frequency delivery_hour timezone confirmed_at")


def _counted(session: Session, edition: Edition, now: dt.datetime | None,
             waiting: Counter) -> _Due:
    """The edition's due readers (as `due_ids`, whose not due are counted into `waiting` the
    same way), counted in SQL by schedule (frequency, hour, zone): a group waits as a whole
    for its weekday or hour, and is due as a whole when none of it confirmed after its hour;
    only the readers of a group with some who did are read one by one."""
    keys = (Subscriber.frequency, Subscriber.delivery_hour, Subscriber.timezone)
    groups = undelivered(edition.id, None, None, *keys, func.max(Subscriber.confirmed_at),
                         func.count(), func.min(Subscriber.id), func.max(Subscriber.id))
    due = _Due()
    for *key, confirmed_last, count, first_id, last_id in session.execute(groups.group_by(*keys)):
        group = _Schedule(*key, confirmed_at=None)
        if reason := schedule.why_not_due(group, edition.date, now):
            waiting[reason] += count
        elif (now is None or confirmed_last is None
              or confirmed_last <= schedule.due_at(group, edition.date)):
            due.add(count, first_id, last_id)
        else:
            readers = undelivered(edition.id, None, None, Subscriber.id, *keys,
                                  Subscriber.confirmed_at).where(
                *(column == value for column, value in zip(keys, key, strict=True)))
            for reader in session.execute(readers):
                if reason := schedule.why_not_due(reader, edition.date, now):
                    waiting[reason] += 1
                else:
                    due.add(1, reader.id, reader.id)
    return due
