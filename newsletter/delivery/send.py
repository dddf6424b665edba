"""Send an edition's digests: read the due subscribers in id order, claim their ledger rows,
group the readers who get the same digest, render each digest once, send it as one batch.

Readers are streamed in chunks of `CHUNK` ids, and a digest's batch is sent as soon as it holds
`BATCH_SIZE` readers (SendGrid's personalizations per request), so memory is bounded by the
number of distinct digests, not subscribers, and a run makes at most ceil(N / 1000) + distinct
digests requests. A reader's row is inserted as "sending" just before their batch is sent
(readers without papers get an "empty" row when read), and what a dead process left is taken
back first; the ledger (`newsletter.delivery.ledger`) states the guarantee: one digest per
subscriber and edition.
The requests of a wave go out on a sender thread while the next waves are claimed and rendered;
a large run renders in a process of its own and, when the mailer is portable (SendGrid's),
sends from another (`newsletter.delivery.side_process`), so that reading, picking and
claiming have a core to themselves.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections import Counter, deque
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from functools import partial
from typing import Self

from sqlalchemy.orm import Session

from newsletter import leases
from newsletter.config import Settings
from newsletter.delivery import digest_email, ledger, schedule, sending
from newsletter.delivery.batches import Member, ReaderQueue, WaitingReaders
from newsletter.delivery.digest import Digest
from newsletter.delivery.picks import Picker
from newsletter.delivery.readers import addresses, due_readers, readers_by_id
from newsletter.delivery.rendering import RenderAhead, RenderCache, packed
from newsletter.delivery.side_process import SideProcess
from newsletter.mail import Mailer
from newsletter.models import Edition, utcnow

log = logging.getLogger(__name__)

WAVE = 1000  # readers whose rows go to "sending" together, before their requests
# Waves handed to the sender and not yet recorded: with two, this thread renders the next wave
# while a slow one (many small requests) is still being sent, instead of waiting for it.
IN_FLIGHT = 2
NO_ROW_YET = 0  # the delivery id of a queued reader whose row is inserted when their batch leaves


def deliver_edition(session: Session, settings: Settings, mailer: Mailer, edition: Edition,
                    first_id: int | None = None, last_id: int | None = None, *,
                    now: dt.datetime | None = None,
                    renderings: RenderCache | None = None, holder: str | None = None) -> Counter:
    """Deliver the edition to every subscriber due at `now` (naive UTC; None: whatever the
    hour) with an id in [first_id, last_id] when given (one worker task's share), after taking
    back what dead processes left in that range (`ledger.reclaim`, waiting for the rows whose
    provider reports are still awaited); count the outcomes: sent, empty, failed, already,
    not_due, resumed (rows taken over and sent again), unknown, held (rows another live process
    holds). `holder` is the lease owner of the calling process (default: a lease of this call's
    own); `renderings` are those of earlier tasks of the same run (default: this call's own)."""
    with _holding(session, settings, holder) as owner, \
            EditionSender(session, settings, mailer, edition, now, renderings, owner) as run:
        run.take_back(first_id, last_id)
        for readers in due_readers(session, run.edition_id, first_id, last_id):
            run.add(readers)
        while (ready := ledger.reclaimable_at(session, run.edition_id, first_id, last_id,
                                              run.awaiting)):
            run.finish()  # what is queued goes out meanwhile
            time.sleep(max(0.0, (ready - utcnow()).total_seconds()))
            run.take_back(first_id, last_id)
        run.finish()
        run.outcomes["held"] += ledger.held_by_others(session, run.edition_id, first_id, last_id,
                                                      owner)
    return +run.outcomes


@contextmanager
def _holding(session: Session, settings: Settings, holder: str | None) -> Iterator[str]:
    """The lease owner the rows are held under: the caller's, or a heartbeat of this call's."""
    if holder is not None:
        yield holder
        return
    with leases.Heartbeat(session.get_bind(), settings.lease_seconds, note="delivery",
                          session=session) as heartbeat:
        yield heartbeat.owner


def reports_awaited(settings: Settings) -> dt.timedelta:
    """How long a dead process's "sending" rows wait for the provider to report taking them:
    SendGrid with its event webhook posts events within about a minute; the outbox (which
    rewrites the same file) and SMTP (which reports nothing) have nothing to wait for."""
    if settings.mail_backend == "sendgrid" and settings.sendgrid_webhook_public_key:
        return ledger.PROVIDER_REPORTS_WITHIN
    return dt.timedelta(0)


class EditionSender:
    """One pass over an edition: readers in, batches out, every outcome counted.

    The requests of a wave go out on a thread of their own, or from a process of their own
    once the run is large enough to render in one and the mailer is portable, while this
    thread reads, claims and renders the next wave: at most IN_FLIGHT waves are in flight,
    each recorded once sent, in the commit that moves a later one to "sending". Only this
    thread touches the database; the sender only talks to the provider. Use it as a context
    manager, so the waves in flight are recorded even when the run fails.
    """

    def __init__(self, session: Session, settings: Settings, mailer: Mailer, edition: Edition,
                 now: dt.datetime | None, renderings: RenderCache | None = None,
                 holder: str | None = None):
        self.session, self.settings, self.mailer, self.now = session, settings, mailer, now
        self.holder, self.awaiting = holder, reports_awaited(settings)
        self.edition_id, self.date = edition.id, edition.date
        self.picker = Picker(session, settings, edition)
        self.queue = ReaderQueue(partial(addresses, session))
        self.renderings = renderings if renderings is not None else RenderCache()
        self.renderer = SideProcess()
        self.ahead = RenderAhead(self.renderings, self._render,
                                 waiting=lambda: self.renderer.starting)
        self.lists = ledger.PaperLists()
        self.outcomes: Counter = Counter()
        self.wave: list[tuple[Digest, WaitingReaders]] = []
        self._sender = ThreadPoolExecutor(max_workers=1, thread_name_prefix="delivery-sender")
        self._mailer_recipe = sending.recipe(mailer)
        self._send_process = SideProcess()  # started with the render process, if portable
        self._in_flight: deque[Future] = deque()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *error) -> None:
        try:
            self._collect()
        finally:
            self._sender.shutdown()
            self.renderer.close()
            self._send_process.close()

    def add(self, readers: list) -> None:
        """Pick the papers of these readers; close as empty the rows of those with none (one
        commit) and queue the others, without a row until their batch leaves; send every batch
        that fills up."""
        due = {reader.id: reader for reader in readers
               if schedule.is_due(reader, self.date, self.now)}
        self.outcomes["not_due"] += len(readers) - len(due)
        picks = self.picker.picks(list(due.values()))
        nothing = {subscriber_id: () for subscriber_id, papers in picks.items() if not papers}
        closed = ledger.claim_digests(self.session, self.edition_id, nothing, self.lists,
                                      self.holder)
        self.outcomes["empty"] += len(closed)
        self.outcomes["already"] += len(nothing) - len(closed)
        self._queue_readers(due, picks, {subscriber_id: NO_ROW_YET
                                         for subscriber_id, papers in picks.items() if papers})

    def take_back(self, first_id: int | None, last_id: int | None) -> None:
        """Take what dead processes left in this range (`ledger.reclaim`) and queue again the
        rows that may have been sent; close those whose readers left."""
        reclaimed = ledger.reclaim(self.session, self.edition_id, first_id, last_id, self.holder,
                                   self.awaiting)
        left = dict(reclaimed.taken_over)
        for readers in readers_by_id(self.session, list(reclaimed.taken_over)):
            self.resume(readers, reclaimed.taken_over)
            for reader in readers:
                del left[reader.id]
        self.outcomes["unknown"] += ledger.close_left(self.session, list(left.values()))

    def resume(self, readers: list, taken_over: dict[int, int]) -> None:
        """Queue again the readers whose "sending" rows a dead process left ({subscriber id:
        delivery id}, from `ledger.reclaim`): same rows, so the same Message-IDs. They were due
        when first claimed; their picks are made again, and do not include what was sent since."""
        picks = self.picker.picks(readers)
        rows = {reader.id: taken_over[reader.id] for reader in readers}
        ledger.pick_again(self.session, {rows[subscriber_id]: papers for subscriber_id, papers
                                         in _paper_ids(picks).items()}, self.lists)
        self.outcomes["resumed"] += len(rows)
        self._queue_readers({reader.id: reader for reader in readers}, picks, rows)

    def _queue_readers(self, readers: dict, picks: dict, rows: dict[int, int]) -> None:
        """Queue each reader of `rows` ({subscriber id: delivery id, or NO_ROW_YET}) with papers
        to send."""
        for subscriber_id, delivery_id in rows.items():
            papers = picks[subscriber_id]
            if not papers:
                self.outcomes["empty"] += 1
                continue
            digest = self.picker.digest(readers[subscriber_id], papers)
            self.ahead.notice(digest)
            full = self.queue.add(digest, delivery_id, subscriber_id)
            if full is not None:
                self._queue(*full)
        self.ahead.ask_ahead()

    def finish(self) -> None:
        """Send every batch still waiting."""
        for digest, waiting in self.queue.drain():
            self._queue(digest, waiting)
        self._send_wave()
        self._collect()

    def _queue(self, digest: Digest, waiting: WaitingReaders) -> None:
        # Small batches travel in waves of about WAVE readers: a query and a commit a wave.
        self.wave.append((digest, waiting))
        if sum(len(readers) for _, readers in self.wave) >= WAVE:
            self._send_wave()

    def _send_wave(self) -> None:
        """Start rendering this wave's digests; record the waves sent (waiting for the oldest
        when IN_FLIGHT are out) and put this one's rows in "sending", in one commit; hand its
        batches to the sender once rendered."""
        members = self.queue.members([waiting for _, waiting in self.wave])
        digests = [digest for digest, _ in self.wave]
        # rendered ahead or meanwhile (in the render process once it runs)
        renderings = [self.ahead.get(digest) for digest in digests]
        outcomes = self._sent(wait_for=len(self._in_flight) - IN_FLIGHT + 1)
        ledger.record(self.session, outcomes)
        rows = self._start_sending(digests, members)
        self.session.commit()
        self._count(outcomes)
        self.wave = []
        batches = []
        for rendering, readers in zip(renderings, members):
            if kept := [(rows[m.subscriber_id], m.subscriber_id, m.email, m.token_secret)
                        for m in readers if m.subscriber_id in rows]:
                batches.append((rendering.result(), kept))
        if batches:
            self._in_flight.append(self._send(batches))

    def _send(self, batches: list[sending.WaveBatch]) -> Future[list[ledger.Outcome]]:
        """Send a wave (its readers' links signed too) from the send process once it is up,
        else on the sender thread. It is started when the run is large enough to render in a
        process, and the mailer is portable."""
        if self._mailer_recipe is not None:
            if self.renderer.started:
                self._send_process.start()
            if self._send_process.started:
                return self._send_process.submit(sending.send_wave_by_recipe,
                                                 self._mailer_recipe, self.settings, batches)
        return self._sender.submit(sending.send_wave, self.mailer, self.settings, batches)

    def _start_sending(self, digests: list[Digest], members: list[list[Member]]
                       ) -> dict[int, int]:
        """Put the rows of these readers in "sending": insert those of readers without one, move
        those taken back; return {subscriber id: delivery id} of the rows this process sends (a
        row another process inserted or took back meanwhile is not sent from here)."""
        paper_ids = [digest.paper_ids for digest in digests]
        list_ids = self.lists.ids(self.session, set(paper_ids))
        new = {m.subscriber_id: list_id
               for list_id, readers in zip([list_ids[ids] for ids in paper_ids], members)
               for m in readers if m.delivery_id == NO_ROW_YET}
        rows = ledger.claim_sending(self.session, self.edition_id, new, self.holder)
        self.outcomes["already"] += len(new) - len(rows)
        held = {m.delivery_id: m.subscriber_id for readers in members for m in readers
                if m.delivery_id != NO_ROW_YET}
        if held:
            moved = ledger.start_sending(self.session, list(held), self.holder)
            rows.update((held[delivery_id], delivery_id) for delivery_id in moved)
        return rows

    def _render(self, digest: Digest) -> Future[bytes]:
        """The digest rendered once for all its readers (placeholders for their own parts),
        `packed`."""
        # the sections are read here (the database is this thread's), the rendering is not
        sections = self.picker.sections(digest.language, digest.papers, digest.topics)
        return self.renderer.submit(packed, digest_email.digest_batch, self.settings, self.date,
                                    digest.frequency, digest.topics, sections, [],
                                    self.edition_id, digest.more, digest.language)

    def _collect(self) -> None:
        """Wait for every wave in flight, record their outcomes (one commit) and count them."""
        outcomes = self._sent(wait_for=len(self._in_flight))
        if outcomes:
            ledger.record(self.session, outcomes)
            self.session.commit()
            self._count(outcomes)

    def _sent(self, wait_for: int) -> list[ledger.Outcome]:
        """The outcomes of the waves in flight that are done, waiting for the first `wait_for`
        of them (the sender sends waves in order)."""
        outcomes = []
        while self._in_flight and (wait_for > 0 or self._in_flight[0].done()):
            outcomes += self._in_flight.popleft().result()
            wait_for -= 1
        return outcomes

    def _count(self, outcomes: list[ledger.Outcome]) -> None:
        for outcome in outcomes:
            self.outcomes["failed" if outcome.error else "sent"] += 1


def _paper_ids(picks: dict[int, list]) -> dict[int, tuple[str, ...]]:
    return {subscriber_id: tuple(paper.id for paper in papers)
            for subscriber_id, papers in picks.items()}

