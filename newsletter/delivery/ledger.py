"""The delivery ledger: one row per (subscriber, edition), the guard against double sends.

A row's life: sending -> sent | failed, or claimed as empty (nothing to send); a row taken
over after a crash goes claimed -> sending -> sent | failed.

The guarantee: **every due reader gets the edition's digest once**. A reader's row is inserted
as "sending" (a unique insert, committed: `claim_sending`) just before their request, so each
row is written twice (inserted, then closed) and a run's waves cost one insert and one update
per wave; a reader whose row another process inserted first is not sent. Only a process
holding a "claimed" row moves it to "sending" (`start_sending`). Each row's message carries a
Message-ID made from the row (`compose.digest_message_id`), the same on every attempt.

Every held row names its holder (`holder`: the owner token of a lease, `newsletter.leases`),
which the holding process renews every few seconds while it lives. When a process dies, its
lease expires within NEWSLETTER_LEASE_SECONDS and what it held is finished by the next pass
over those readers (`reclaim`: a run, the worker task that takes over the batch):
- "claimed" rows were never sent: they are released (deleted) and claimed again as new.
- "sending" rows may or may not have gone out. Rows the provider has reported on since
  (`confirm_sent`, from SendGrid's event webhook: any event for a delivery id proves SendGrid
  accepted it) are already "sent". The others are taken over, once the provider's reports are
  no longer awaited (`awaiting`: PROVIDER_REPORTS_WITHIN after the row went to "sending" with
  SendGrid's webhook, which posts its events every 30 s; at once for the outbox and SMTP, which
  report nothing): set back to "claimed" with the same id, and sent again with the same
  Message-ID. The outbox then
  rewrites the same file, so the reader has one digest; SendGrid with its event webhook has
  confirmed whatever it took by then. Over SMTP, or SendGrid without the webhook, a message
  that did leave before the crash leaves again with the same Message-ID, which mailbox
  providers use to drop the copy: a reader may see a duplicate, never a gap. A taken-over row
  whose reader has left since (unsubscribed or suppressed) is not sent again: it ends as
  "unknown" (`close_left`).
- Rows of editions no run delivers any more (older than ABANDONED) are closed for good:
  claimed ones released, sending ones "unknown".

A row gets its papers when it is claimed (or picked again after a takeover): a `digest_papers`
row shared by the rows of a run that carry the same list. The papers of a reader's sent rows
are what no later digest carries again (`digests.sent_among`); a failed row's papers stay
eligible for a later edition. Every statement works on a whole wave of rows, so a run makes a
few statements per thousand readers, not per reader; the rows' own values travel as one JSON
parameter (`db.rows_table`), the values they share once.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field

from sqlalchemy import (
    Integer,
    String,
    Subquery,
    Text,
    bindparam,
    case,
    column,
    delete,
    func,
    insert,
    literal,
    select,
    true,
    update,
)
from sqlalchemy.orm import Session

from newsletter import leases
from newsletter.db import dialect_insert, rows_table
from newsletter.models import (
    Delivery,
    DigestPapers,
    Edition,
    utcnow,
)

CLAIMED, SENDING, SENT, EMPTY, FAILED, UNKNOWN = (
    "claimed", "sending", "sent", "empty", "failed", "unknown")
HELD = (CLAIMED, SENDING)
# How long after a row went to "sending" SendGrid's events may still come to say it took it (it
# posts them every 30 s): a dead holder's "sending" rows wait this long when events are awaited.
PROVIDER_REPORTS_WITHIN = dt.timedelta(seconds=60)
# Runs deliver an edition on its day and, west of UTC, the next: older rows have no run left.
ABANDONED = dt.timedelta(days=3)


@dataclass
class Outcome:
    """What happened to one row in "sending": sent with `message_id`, or failed with `error`."""

    delivery_id: int
    message_id: str | None = None
    error: str | None = None


class PaperLists:
    """The `digest_papers` row of each paper list, stored once for the rows of a run that carry
    it (readers of the same digest share one)."""

    KEPT = 10_000  # lists remembered; personal digests can make one a reader

    def __init__(self) -> None:
        self._ids: dict[tuple[str, ...], int] = {}

    def ids(self, session: Session, lists: Iterable[tuple[str, ...]]) -> dict[tuple, int]:
        """The row id of each of these lists, storing the new ones in one insert."""
        new = list(set(lists) - self._ids.keys())
        if len(self._ids) + len(new) > self.KEPT:
            self._ids.clear()
            new = list(set(lists))
        if new:
            statement = (insert(DigestPapers.__table__)
                         .returning(DigestPapers.id, sort_by_parameter_order=True))
            rows = session.connection().execute(statement, [{"paper_ids": list(paper_ids)}
                                                            for paper_ids in new])
            self._ids.update(zip(new, rows.scalars()))
        return self._ids


# a reader's own values in a new row; the rest is the same for every row of an insert
_READER_COLUMNS = (column("subscriber_id", Integer), column("digest_papers_id", Integer))


def claim_digests(session: Session, edition_id: int, picks: Mapping[int, Sequence[str]],
                  lists: PaperLists | None = None, holder: str | None = None) -> dict[int, int]:
    """Claim every reader's row for `holder` in one insert and one commit, with the ids of the
    papers their email is to carry ({subscriber id: paper ids}): "claimed" for a reader with
    papers, "empty" for one without; return {subscriber id: delivery id} for the rows claimed."""
    if not picks:
        return {}
    readers = rows_table(session, list(_with_papers(session, picks, lists)), *_READER_COLUMNS,
                         column("status", String))
    claimed = _insert_rows(session, readers, edition_id=edition_id, claimed_at=utcnow(),
                           holder=holder)
    session.commit()
    return claimed


def claim_sending(session: Session, edition_id: int, lists: Mapping[int, int],
                  holder: str | None = None) -> dict[int, int]:
    """Insert, for `holder`, the rows of readers about to be sent ({subscriber id: their
    `digest_papers` id}) straight as "sending", in one insert; return {subscriber id: delivery
    id} of the rows inserted (not those another process has). The caller commits, and must
    before any of these requests leaves."""
    if not lists:
        return {}
    now = utcnow()
    readers = rows_table(session, list(lists.items()), *_READER_COLUMNS)
    return _insert_rows(session, readers, edition_id=edition_id, status=SENDING, claimed_at=now,
                        sending_at=now, holder=holder)


def _insert_rows(session: Session, readers: Subquery, **constants) -> dict[int, int]:
    """Insert a row for each of `readers` (a `rows_table`: the subscriber id and their own
    values) with `constants` for the other columns, in one statement; return {subscriber id:
    delivery id} of the rows inserted, not of readers who had one already (another process's)."""
    table = Delivery.__table__
    # each constant bound once for all the rows; the WHERE tells SQLite where the SELECT ends,
    # or it would read ON CONFLICT as a join's
    values = select(*readers.c, *(literal(value, table.c[name].type)
                                  for name, value in constants.items())).where(true())
    # RETURNING gives only the rows inserted, not those others hold
    statement = (dialect_insert(session, table)
                 .from_select([*readers.c.keys(), *constants], values)
                 .on_conflict_do_nothing(index_elements=["subscriber_id", "edition_id"])
                 .returning(table.c.subscriber_id, table.c.id))
    return dict(session.connection().execute(statement).all())


def pick_again(session: Session, picks: Mapping[int, Sequence[str]],
               lists: PaperLists | None = None) -> None:
    """Give held rows ({delivery id: paper ids}) the papers picked for them again, closing as
    empty those left with none, and commit."""
    changes = [{"row_id": delivery_id, "new_status": status, "list_id": list_id}
               for delivery_id, list_id, status in _with_papers(session, picks, lists)]
    if changes:
        session.connection().execute(_row_by_id().values(
            status=bindparam("new_status"), digest_papers_id=bindparam("list_id")), changes)
    session.commit()


def _with_papers(session: Session, picks: Mapping[int, Sequence[str]],
                 lists: PaperLists | None) -> Iterator[tuple[int, int | None, str]]:
    """(key, digest_papers id, status) for each pick: "claimed" with its list of papers, or
    "empty" without one."""
    list_ids = (lists or PaperLists()).ids(
        session, (tuple(papers) for papers in picks.values() if papers))
    for key, papers in picks.items():
        yield (key, list_ids[tuple(papers)], CLAIMED) if papers else (key, None, EMPTY)


def start_sending(session: Session, delivery_ids: Iterable[int],
                  holder: str | None = None) -> set[int]:
    """Move these rows of `holder` from "claimed" to "sending" in one statement; return the ids
    moved. A row released or taken over meanwhile (its lease lapsed) is not returned, so not
    sent. The caller commits, and must before any of these requests leaves."""
    statement = (update(Delivery.__table__)
                 .where(Delivery.id.in_(list(delivery_ids)), Delivery.status == CLAIMED,
                        Delivery.holder.is_(None) if holder is None else Delivery.holder == holder)
                 .values(status=SENDING, sending_at=utcnow())
                 .returning(Delivery.id))
    return set(session.connection().execute(statement).scalars())


def record(session: Session, outcomes: list[Outcome]) -> None:
    """Close these rows with their outcomes: one UPDATE for the sent, one for the failed,
    whatever their number; the caller commits. Sent rows keep the provider's message id;
    failed rows keep the error, and their papers stay eligible for a later edition (unless the
    provider reports later that it took the email after all: `confirm_sent`)."""
    sent = [(o.delivery_id, o.message_id) for o in outcomes if o.error is None]
    failed = [(o.delivery_id, o.error[:2000]) for o in outcomes if o.error is not None]
    if sent:
        _close(session, sent, "provider_message_id", status=SENT, sent_at=utcnow())
    if failed:
        _close(session, failed, "error", status=FAILED)


def _close(session: Session, rows: list[tuple[int, str]], column_name: str, **values) -> None:
    """One UPDATE of these rows ((delivery id, its own value of `column_name`)), each also given
    `values`."""
    table = Delivery.__table__
    own = rows_table(session, rows, column("row_id", Integer), column("value", Text))
    session.connection().execute(update(table).where(table.c.id == own.c.row_id)
                                 .values({column_name: own.c.value, **values}))


def _row_by_id():
    """An UPDATE of one ledger row, by its "row_id" parameter: run with a list of parameter
    sets, it changes many rows in one executemany."""
    table = Delivery.__table__
    return update(table).where(table.c.id == bindparam("row_id"))


def confirm_sent(session: Session, message_ids: Mapping[int, str]) -> int:
    """Close as sent the rows the provider reported on ({delivery id: its message id}) that were
    handed to it but not recorded as sent: still waiting for an answer ("sending", "claimed"
    again after a takeover, "unknown"), or "failed" because the answer was lost (a timeout
    after SendGrid took the request). One statement per message id, shared by a request's
    rows. The caller commits; return how many rows changed."""
    now, by_message, changed = utcnow(), defaultdict(list), 0
    for delivery_id, message_id in message_ids.items():
        by_message[message_id].append(delivery_id)
    for message_id, delivery_ids in by_message.items():
        changed += session.execute(
            update(Delivery).where(Delivery.id.in_(delivery_ids),
                                   Delivery.status.in_((SENDING, CLAIMED, UNKNOWN, FAILED)),
                                   Delivery.sending_at.is_not(None))  # once handed over
            .values(status=SENT, sent_at=now, provider_message_id=message_id, error=None)
            .execution_options(synchronize_session=False)).rowcount
    return changed


def never_sent():
    """Rows held and never handed to a transport: "claimed", without a "sending" past."""
    return (Delivery.status == CLAIMED) & Delivery.sending_at.is_(None)


def maybe_sent():
    """Rows held that a transport may have sent: "sending", or "claimed" again after a takeover
    (they keep their `sending_at`)."""
    return (Delivery.status == SENDING) | ((Delivery.status == CLAIMED)
                                           & Delivery.sending_at.is_not(None))


def held_since():
    """When a held row was last taken: moved to "sending", or claimed (first or again)."""
    return case((Delivery.status == SENDING, Delivery.sending_at), else_=Delivery.claimed_at)


@dataclass
class Reclaimed:
    """What `reclaim` found of dead processes' rows: how many "claimed" rows it released, and
    the "sending" rows it took over ({subscriber id: delivery id}), to be sent again."""

    released: int = 0
    taken_over: dict[int, int] = field(default_factory=dict)


def _range(statement, edition_id: int, first_id: int | None, last_id: int | None):
    statement = statement.where(Delivery.edition_id == edition_id)
    if first_id is not None:
        statement = statement.where(Delivery.subscriber_id >= first_id)
    if last_id is not None:
        statement = statement.where(Delivery.subscriber_id <= last_id)
    return statement.execution_options(synchronize_session=False)


def reclaim(session: Session, edition_id: int, first_id: int | None, last_id: int | None,
            holder: str | None, awaiting: dt.timedelta = dt.timedelta(0),
            now: dt.datetime | None = None) -> Reclaimed:
    """Take for `holder` this edition's rows, for subscribers in [first_id, last_id] when given,
    whose holder's lease has expired, "sending" ones once `awaiting` has passed since they went
    to "sending" (see the module docstring); commit."""
    now = now or utcnow()
    dead = ~leases.alive(Delivery.holder, now)
    released = session.execute(_range(delete(Delivery).where(never_sent(), dead),
                                      edition_id, first_id, last_id)).rowcount
    # The status and holder are checked again by the UPDATE itself, so of two takers at once
    # only one takes a row (PostgreSQL re-reads a row locked by the other after its commit).
    taken = session.execute(_range(
        update(Delivery).where(maybe_sent(), dead,
                               Delivery.sending_at <= now - awaiting)
        .values(status=CLAIMED, claimed_at=now, holder=holder)
        .returning(Delivery.subscriber_id, Delivery.id), edition_id, first_id, last_id)).all()
    session.commit()
    return Reclaimed(released, dict(taken))


def reclaimable_at(session: Session, edition_id: int, first_id: int | None,
                   last_id: int | None, awaiting: dt.timedelta,
                   now: dt.datetime | None = None) -> dt.datetime | None:
    """When the last "sending" row of this range whose holder died becomes reclaimable (its
    provider's reports `awaiting`), or None when none is waiting."""
    now = now or utcnow()
    newest = session.scalar(_range(
        select(func.max(Delivery.sending_at)).where(
            maybe_sent(), ~leases.alive(Delivery.holder, now),
            Delivery.sending_at > now - awaiting),
        edition_id, first_id, last_id))
    return newest + awaiting if newest is not None else None


def held_by_others(session: Session, edition_id: int, first_id: int | None, last_id: int | None,
                   holder: str | None, now: dt.datetime | None = None) -> int:
    """How many rows of this range another live process holds ("claimed" or "sending"): what a
    run reports as waiting for it, rather than as nothing to do."""
    now = now or utcnow()
    others = Delivery.holder.is_(None) | (Delivery.holder != holder)
    return session.scalar(_range(
        select(func.count()).select_from(Delivery).where(
            Delivery.status.in_(HELD), others, leases.alive(Delivery.holder, now)),
        edition_id, first_id, last_id))


def close_abandoned(session: Session, now: dt.datetime | None = None) -> tuple[int, int]:
    """Close the held rows older than ABANDONED, whose editions no run delivers any more:
    release the "claimed" ones and end the "sending" ones as "unknown". Commit; return both
    counts."""
    cutoff = (now or utcnow()) - ABANDONED
    released = session.execute(
        delete(Delivery).where(never_sent(), Delivery.claimed_at < cutoff)
        .execution_options(synchronize_session=False)).rowcount
    unknown = _end_unknown(session, maybe_sent() & (held_since() < cutoff),
                           "the process sending it stopped before the answer")
    session.commit()
    return released, unknown


def close_left(session: Session, delivery_ids: Sequence[int]) -> int:
    """End as "unknown" these rows taken over (`reclaim`) whose readers are no longer
    subscribed: their email may have left before the crash, and none will be sent again. Commit;
    return how many."""
    if not delivery_ids:
        return 0
    closed = _end_unknown(session, Delivery.id.in_(delivery_ids),
                          "the process sending it stopped before the answer, and the reader left")
    session.commit()
    return closed


def _end_unknown(session: Session, rows, error: str) -> int:
    return session.execute(
        update(Delivery).where(rows).values(status=UNKNOWN, error=error)
        .execution_options(synchronize_session=False)).rowcount


def held_subscriber_ids(session: Session, edition_id: int) -> list[int]:
    """The subscribers whose row for the edition is still held ("claimed" or "sending"): a run
    resumed after its tasks were lost must cover them too, so that they are taken back."""
    query = select(Delivery.subscriber_id).where(Delivery.edition_id == edition_id,
                                                 Delivery.status.in_(HELD))
    return list(session.scalars(query))


def counts_by_status(session: Session, edition_ids: Sequence[int]) -> Counter:
    """The ledger rows of these editions, counted by status."""
    query = (select(Delivery.status, func.count()).where(Delivery.edition_id.in_(edition_ids))
             .group_by(Delivery.status))
    return Counter(dict(session.execute(query).all()))


def sent_among(session: Session, subscriber_ids: list[int], paper_ids: list[str],
               since: dt.date) -> dict[int, set[str]]:
    """Which of `paper_ids` each of these subscribers was already sent, in one query over their
    sent deliveries of editions dated `since` or later; subscribers who were sent none of them
    are left out.

    A paper is in one edition only, and a digest of edition D carries papers of editions D-6 to
    D: so `since` = the first edition date of the pool that `paper_ids` come from loses nothing
    that matters, and keeps the rows read to about a week's per subscriber."""
    wanted = set(paper_ids)
    # The status is checked here, not in SQL: given `status = 'sent'`, SQLite's planner walks
    # the status index (every sent row of the ledger) instead of the subscriber ids.
    query = (select(Delivery.subscriber_id, Delivery.status, DigestPapers.paper_ids)
             .join(DigestPapers, Delivery.digest_papers_id == DigestPapers.id)
             .join(Edition, Delivery.edition_id == Edition.id)
             .where(Delivery.subscriber_id.in_(subscriber_ids), Edition.date >= since))
    sent: dict[int, set[str]] = {}
    for subscriber_id, status, papers in session.connection().execute(query):
        if status == SENT and (found := wanted.intersection(papers)):
            sent.setdefault(subscriber_id, set()).update(found)
    return sent
