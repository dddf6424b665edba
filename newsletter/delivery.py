"""Send an edition's digests: read the due subscribers in id order, claim their ledger rows,
group the readers who get the same digest, render each digest once, send it as one batch.

Readers are streamed in chunks of `CHUNK` ids, and a digest's batch is sent as soon as it holds
`BATCH_SIZE` readers (SendGrid's personalizations per request), so memory is bounded by the
number of distinct digests, not subscribers, and a run makes at most ceil(N / 1000) + distinct
digests requests. Every row is claimed before its batch is sent and the ledger
(`newsletter.ledger`) states the guarantee: at most one email per subscriber and edition.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import Counter
from collections.abc import Iterator

from sqlalchemy import select
from sqlalchemy.orm import Session

from newsletter import digests, ledger, schedule
from newsletter.config import Settings
from newsletter.groups import Digest, DigestGroups, Member
from newsletter.mail import Mailer
from newsletter.mail.batch import send_batch
from newsletter.models import Edition, Subscriber
from newsletter.shelf import Shelf

log = logging.getLogger(__name__)

CHUNK = 1000
WAVE = 1000  # readers whose rows go to "sending" together, before their requests
READER_COLUMNS = (Subscriber.id, Subscriber.email, Subscriber.topics, Subscriber.language,
                  Subscriber.frequency, Subscriber.delivery_hour, Subscriber.timezone,
                  Subscriber.max_papers, Subscriber.confirmed_at)


def deliver_edition(session: Session, settings: Settings, mailer: Mailer, edition: Edition,
                    first_id: int | None = None, last_id: int | None = None, *,
                    now: dt.datetime | None = None) -> Counter:
    """Deliver the edition to every subscriber due at `now` (naive UTC; None: whatever the
    hour) with an id in [first_id, last_id] when given (one worker task's share); count the
    outcomes: sent, empty, failed, already, not_due, unknown (see `ledger`)."""
    run = DeliveryRun(session, settings, mailer, edition, now)
    run.outcomes["unknown"] += ledger.recover_stale(session)[1]
    for readers in due_readers(session, run.edition_id, first_id, last_id):
        run.add(readers)
    run.finish()
    return run.outcomes


def deliver_one(session: Session, settings: Settings, mailer: Mailer, edition: Edition,
                subscriber_id: int) -> str:
    """Deliver this edition to one subscriber whatever the hour (the caller found them due);
    return "sent", "empty", "failed", "not_due" (weekly, not their day) or "already"."""
    run = DeliveryRun(session, settings, mailer, edition, now=None)
    for readers in due_readers(session, run.edition_id, subscriber_id, subscriber_id):
        run.add(readers)
    run.finish()
    return next((outcome for outcome, count in run.outcomes.items() if count), "already")


def deliver_due(session: Session, settings: Settings, mailer: Mailer, edition: Edition,
                now: dt.datetime | None) -> Counter:
    """What `newsletter run` sends: this edition, and the day before's to readers whose hour came
    after that day ended in UTC (zones west of UTC), to those due at `now`."""
    outcomes = deliver_edition(session, settings, mailer, edition, now=now)
    previous = session.scalar(select(Edition).where(
        Edition.date == edition.date - dt.timedelta(days=1)))
    if previous is not None and now is not None:
        late = deliver_edition(session, settings, mailer, previous, now=now)
        del late["not_due"]  # the readers not due are counted once, for today's edition
        outcomes.update(late)
    return outcomes


def due_readers(session: Session, edition_id: int, first_id: int | None,
                last_id: int | None, chunk: int = CHUNK) -> Iterator[list]:
    """The undelivered confirmed subscribers (READER_COLUMNS rows), `chunk` at a time, in id
    order; each chunk is read after the previous one was claimed."""
    after = first_id - 1 if first_id is not None else None
    while True:
        query = digests.undelivered(edition_id, None, last_id, *READER_COLUMNS)
        if after is not None:
            query = query.where(Subscriber.id > after)
        rows = session.execute(query.order_by(Subscriber.id).limit(chunk)).all()
        if not rows:
            return
        yield rows
        after = rows[-1].id


class DeliveryRun:
    """One pass over an edition: readers in, batches out, every outcome counted."""

    def __init__(self, session: Session, settings: Settings, mailer: Mailer, edition: Edition,
                 now: dt.datetime | None):
        self.session, self.settings, self.mailer, self.now = session, settings, mailer, now
        self.edition_id, self.date = edition.id, edition.date
        self.shelf = Shelf(session, settings, edition)
        self.groups = DigestGroups(settings, self.date, self.edition_id, self.shelf)
        self.outcomes: Counter = Counter()
        self.wave: list[tuple[Digest, list[Member]]] = []

    def add(self, readers: list) -> None:
        """Claim the rows of these readers and queue them; send every batch that fills up."""
        due = [reader for reader in readers if self._is_due(reader)]
        self.outcomes["not_due"] += len(readers) - len(due)
        picks = self.shelf.picks(due)
        empty = [reader.id for reader in due if not picks[reader.id]]
        self._claim(empty, ledger.EMPTY)
        with_papers = {reader.id: reader for reader in due if picks[reader.id]}
        claimed = self._claim(list(with_papers), ledger.CLAIMED)
        for subscriber_id, delivery_id in claimed.items():
            reader = with_papers[subscriber_id]
            member = Member(delivery_id, subscriber_id, reader.email)
            full = self.groups.add(Digest.of(reader, picks[subscriber_id]), member)
            if full is not None:
                self._queue(*full)

    def finish(self) -> None:
        """Send every batch still waiting."""
        for digest, members in self.groups.drain():
            self._queue(digest, members)
        self._send_wave()

    def _is_due(self, reader) -> bool:
        if not schedule.is_due(reader, self.date, self.now):
            return False
        # A reader confirmed after this edition's hour starts with the next one.
        due = schedule.due_at(reader, self.date)
        return self.now is None or reader.confirmed_at is None or reader.confirmed_at <= due

    def _claim(self, subscriber_ids: list[int], status: str) -> dict[int, int]:
        claimed = ledger.claim(self.session, self.edition_id, subscriber_ids, status)
        self.outcomes["already"] += len(subscriber_ids) - len(claimed)
        if status == ledger.EMPTY:
            self.outcomes["empty"] += len(claimed)
        return claimed

    def _queue(self, digest: Digest, members: list[Member]) -> None:
        # Small batches travel in waves of about WAVE readers: two commits a wave, not a batch.
        self.wave.append((digest, members))
        if sum(len(waiting) for _, waiting in self.wave) >= WAVE:
            self._send_wave()

    def _send_wave(self) -> None:
        """Mark the wave's rows "sending" (one commit), send each batch, record (one commit)."""
        ids = [member.delivery_id for _, members in self.wave for member in members]
        moving = ledger.start_sending(self.session, ids) if ids else set()
        outcomes = []
        for digest, members in self.wave:
            outcomes += self._send([m for m in members if m.delivery_id in moving], digest)
        self.wave = []
        if outcomes:
            ledger.record(self.session, outcomes)
        for outcome in outcomes:
            self.outcomes["failed" if outcome.error else "sent"] += 1

    def _send(self, members: list[Member], digest: Digest) -> list[ledger.Outcome]:
        if not members:
            return []
        result = send_batch(self.mailer, self.groups.batch(digest, members))
        if result.failed:
            log.warning("%d of %d digests failed, e.g. %s", len(result.failed), len(members),
                        result.failed[0].error)
        by_email = {item.email: item for item in result.results}
        return [ledger.Outcome(m.delivery_id, m.subscriber_id, list(digest.paper_ids),
                               by_email[m.email].message_id, by_email[m.email].error)
                for m in members]
