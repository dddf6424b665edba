"""Thin tasks: each takes ids or values, calls the steps of a day (newsletter.day) that
`newsletter run` calls in-process, and is safe to run twice (the steps are idempotent, and
deliveries are claimed in the ledger before any email goes out). A run, recorded in `runs` with
the same RunReport as an in-process one, is a chain of chords:

    run_pipeline: housekeeping -> ingest, one task per source           -> after_ingest
    after_ingest: enrich, edition -> summarize, one task per share      -> after_summaries
    deliver_run:  plan (one share per live worker process, or of NEWSLETTER_DELIVERY_BATCH_SIZE
                  ids) -> deliver_batch, one task per share of readers; the last to end
                  stores the report and closes the run (runs.records.batch_done)

Beat starts `ingest_all` (a run without delivery) a few times a day, `dispatch` (delivery
only, to whoever is due) every 15 minutes, and `recover` every NEWSLETTER_LEASE_SECONDS:
it sends again the delivery batches whose worker died. `dispatch` also resumes runs whose
tasks were lost.
"""

from __future__ import annotations

import datetime as dt
import logging
import math
from collections import Counter
from contextlib import contextmanager

from celery import chord
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError
from sqlalchemy.exc import InterfaceError, OperationalError

from newsletter import day, leases
from newsletter.config import get_settings
from newsletter.db import session_scope
from newsletter.delivery.plan import FALLBACK_SHARE_SIZE, DeliveryPlan, Share
from newsletter.delivery.rendering import RenderCache
from newsletter.ingest.source import SourceReport
from newsletter.models import Run, utcnow
from newsletter.queue import worker_processes
from newsletter.runs import records
from newsletter.services import Services
from newsletter.sources import SourceSpec
from newsletter.subscribers import notice_queue
from newsletter.summarize.summaries import SummaryReport, summary_languages
from workers import locks
from workers.celery_app import app

log = logging.getLogger(__name__)

# a database or Redis that is away for a moment: retried with exponential backoff and jitter
TRANSIENT = (OperationalError, InterfaceError, RedisConnectionError, RedisTimeoutError)
step = app.task(bind=True, autoretry_for=TRANSIENT, retry_backoff=2, retry_backoff_max=300,
                retry_jitter=True, max_retries=8)

_services: Services | None = None
# The digests this process rendered for the latest run's tasks: the next task of the run sends
# many of them again, to other readers.
_renderings = RenderCache()


def services() -> Services:
    """One Services per worker process."""
    global _services
    if _services is None:
        _services = Services(get_settings())
    return _services


@contextmanager
def database():
    with session_scope(services().factory) as session:
        yield session


def fan_out(header: list, callback) -> None:
    """Run the `header` tasks in parallel, then `callback` with the list of their results."""
    if header:
        chord(header)(callback)
    else:
        callback.delay([])


def _moment(value: str | None) -> dt.datetime | None:
    return dt.datetime.fromisoformat(value) if value else None


def _day_of(report: dict) -> day.Day:
    return day.Day(dt.date.fromisoformat(report["date"]), _moment(report.get("now")))


def _lock_of(report: dict) -> str:
    return locks.INGEST if report["kind"] == "ingest" else locks.DELIVER


@step
def run_pipeline(self, run_id: int) -> None:
    """Start (or resume) the run `run_id` once it holds its lock; wait for the lock while an
    overlapping run holds it."""
    settings = services().settings
    with database() as session:
        report = dict(session.get(Run, run_id).report)
    if not locks.take(settings, _lock_of(report), report["owner"]):
        log.info("another run holds the lock; waiting", extra={"run_id": run_id})
        with database() as session:  # said to whoever follows the run; its heartbeat moves too
            records.update_report(session, run_id, stage=records.waiting_for(
                session, locks.holder(settings, _lock_of(report))))
        raise self.retry(countdown=max(1, settings.visibility_timeout // 10), max_retries=50)
    with database() as session:
        typed = records.report_of(session, run_id)
        typed.record_housekeeping(day.housekeeping(session))
        records.save_report(session, run_id, typed)
    if report["kind"] == "dispatch":
        deliver_run(run_id)
        return
    with database() as session:
        records.update_report(session, run_id, stage="ingesting")
    fan_out([ingest.s(kind, url, report["date"], run_id) for kind, url in report["specs"]],
            after_ingest.s(run_id))


@step
def ingest(self, kind: str, url: str, date: str, run_id: int | None = None) -> dict:
    """Ingest one source; its report, with the ids of the papers it carried."""
    with database() as session:
        report = day.ingest(session, SourceSpec(kind, url), day.Day(dt.date.fromisoformat(date)),
                            services().settings)
        if run_id is not None:
            records.touch(session, run_id)
    log.info("ingested %s", url, extra={"run_id": run_id, "new": report.new,
                                        "error": report.error})
    return {**report.as_dict(), "paper_ids": report.paper_ids}


@step
def after_ingest(self, results: list[dict], run_id: int) -> None:
    """Record the sources; enrich from arXiv; build the edition (runs that deliver); summarize
    what is new, in at most NEWSLETTER_LLM_CONCURRENCY shares."""
    settings = services().settings
    with database() as session:
        report = records.report_of(session, run_id)
        report.record_sources([SourceReport.from_dict(result) for result in results])
        report.record_enrichment(day.enrich(session, settings, report.ingested_ids))
        built = None
        if report.kind == "pipeline":
            built = day.edition(session, _day_of(session.get(Run, run_id).report))
            report.record_edition(len(built.papers))
        todo = day.to_summarize(report.ingested_ids, built)
        languages = summary_languages(session, settings.llm_model)
        records.save_report(session, run_id, report)
        records.update_report(session, run_id, stage="summarizing")
    fan_out([summarize.s(share, languages, run_id)
             for share in day.summary_shares(todo, settings.llm_concurrency)],
            after_summaries.s(run_id))


@step
def summarize(self, paper_ids: list[str], languages: list[str], run_id: int | None = None
              ) -> dict:
    """Summarize and tag these papers, one model call at a time (the chunks are the parallelism)."""
    with database() as session:
        report = day.summarize(session, services(), paper_ids, languages)
        if run_id is not None:
            records.touch(session, run_id)
    return report.as_dict()


@step
def after_summaries(self, results: list[dict], run_id: int) -> None:
    """Record the summaries; deliver (pipeline runs) or end the run (ingest runs)."""
    with database() as session:
        report = records.report_of(session, run_id)
        report.record_summaries(SummaryReport.total(map(SummaryReport.from_dict, results)))
        if report.kind == "pipeline":
            records.save_report(session, run_id, report)
        else:
            day.store_report(session, run_id, report)
            records.close(session, run_id, stage="done")
        owner = session.get(Run, run_id).report["owner"]
    if report.kind == "pipeline":
        deliver_run(run_id)
    else:
        locks.release(services().settings, locks.INGEST, owner)


def shares_wanted() -> tuple[int | None, int]:
    """How to cut the plan (day.plan's `share_size` and `parts`): in shares of
    NEWSLETTER_DELIVERY_BATCH_SIZE ids when it is set; else one share per worker process that
    answers now, since a share batches only its own readers (fewer, larger shares make fewer
    provider requests) and a dead process's share is sent again whole by `recover`; else, when
    none answers, in shares of FALLBACK_SHARE_SIZE ids. Asked before a transaction opens: the
    workers have a second to answer."""
    size = services().settings.delivery_batch_size
    if size is not None:
        return size, 1
    processes = worker_processes(app)
    return (None, processes) if processes else (FALLBACK_SHARE_SIZE, 1)


def deliver_run(run_id: int, plan: DeliveryPlan | None = None) -> None:
    """Plan the run's deliveries (unless given) and send them out, one task per share
    (shares_wanted). The run ends when every share has reported
    (records.batch_done), not when a chord fires: a share whose worker died is run again by
    `recover` under the same index."""
    wanted = shares_wanted() if plan is None else None
    with database() as session:
        stored = session.get(Run, run_id).report
        plan = plan or day.plan(session, _day_of(stored), *wanted)
        report = records.report_of(session, run_id)
        report.record_plan(plan)
        records.save_report(session, run_id, report)
        records.update_report(session, run_id, stage="delivering", done={}, plan=[
            [share.edition_id, share.first_id, share.last_id] for share in plan.shares])
    log.info("delivering", extra={"run_id": run_id, "edition_ids": plan.edition_ids,
                                  "planned": plan.planned, "shares": len(plan.shares)})
    if not plan.shares:
        _finish(run_id)
    for index, share in enumerate(plan.shares):
        deliver_batch.delay(share.edition_id, share.first_id, share.last_id, stored.get("now"),
                            run_id, index)


@step
def deliver_batch(self, edition_id: int, first_id: int, last_id: int, now: str | None,
                  run_id: int | None = None, index: int | None = None) -> dict:
    """Deliver the edition to the due subscribers with ids in [first_id, last_id], holding the
    batch's lease (records.batch_lease) while it runs, and report the outcomes to the run. Rows a
    dead worker left in the range are taken over (ledger.reclaim); a copy of this batch that
    another live task is running makes this one do nothing."""
    s = services()
    ids = {"run_id": run_id, "edition_id": edition_id, "first_id": first_id, "last_id": last_id}
    names = [records.batch_lease(run_id, index)] if index is not None else []
    try:
        with leases.Heartbeat(s.engine, s.settings.lease_seconds, names=names,
                              note=f"delivery task {self.request.id}") as holder:
            with database() as session:
                renderings = (_renderings.scoped((run_id, edition_id))
                              if run_id is not None else None)
                outcomes = day.deliver(session, s, Share(edition_id, first_id, last_id),
                                       _moment(now), holder=holder.owner, renderings=renderings)
                if run_id is not None:
                    records.touch(session, run_id)
    except leases.LeaseHeld as held:
        # Another task runs this batch, or ran it and died less than a lease ago: look again
        # once its lease has run out (a live one will have reported by then, or still renews).
        wait = max(1, math.ceil((held.until - utcnow()).total_seconds()) + 1)
        log.info("another task holds this batch (%s); again in %ds", held, wait, extra=ids)
        raise self.retry(countdown=wait) from None
    log.info("delivered %s", dict(outcomes), extra=ids)
    if index is not None:
        _batch_done(run_id, index, (edition_id, first_id, last_id), outcomes)
    return dict(outcomes)


def _batch_done(run_id: int, index: int, batch: tuple[int, int, int], outcomes) -> None:
    with database() as session:
        last = records.batch_done(session, run_id, index, batch, outcomes)
    if last:
        _finish(run_id)


def _finish(run_id: int) -> None:
    """Store the run's report with every share's outcomes, end it, and free its lock."""
    with database() as session:
        stored = session.get(Run, run_id).report
        totals = sum((Counter(done) for done in stored.get("done", {}).values()), Counter())
        report = records.report_of(session, run_id)
        report.record_deliveries(totals)
        day.store_report(session, run_id, report)
        records.close(session, run_id, stage="done")
    locks.release(services().settings, _lock_of(stored), stored["owner"])
    log.info("run finished", extra={"run_id": run_id, "deliveries": dict(report.deliveries)})


@step
def recover(self) -> int:
    """Every lease period (beat): send again the delivery batches whose task died, its lease
    having run out before it ended. The broker would hand such a task on only after
    NEWSLETTER_VISIBILITY_TIMEOUT (an hour); this way their readers wait about a minute.
    Return how many batches were sent again."""
    with database() as session:
        lost = records.lost_batches(session, leases.forget_expired(session))
    for run_id, index, (edition_id, first, last), now in lost:
        log.warning("a delivery task died; its batch goes again",
                    extra={"run_id": run_id, "index": index, "first_id": first, "last_id": last})
        deliver_batch.delay(edition_id, first, last, now, run_id, index)
    return len(lost)


@step
def ingest_all(self) -> int | None:
    """The scheduled ingest: a run of every configured source, summaries included."""
    settings = services().settings
    specs = [SourceSpec.parse(value) for value in settings.source_specs]
    with database() as session:
        run_id = records.open_run(session, "ingest", utcnow().date(),
                               specs=[[spec.kind, spec.url] for spec in specs]).id
    run_pipeline.delay(run_id)
    return run_id


@step
def dispatch(self) -> int | None:
    """Every 15 minutes: resume the runs whose tasks were lost, then deliver the digests due
    now, as a run of their own, unless another run is delivering (it holds the lock)."""
    settings = services().settings
    with database() as session:
        stale = records.claim_stale(session, dt.timedelta(seconds=settings.visibility_timeout))
    for run_id in stale:
        log.warning("resuming a run whose tasks were lost", extra={"run_id": run_id})
        run_pipeline.delay(run_id)
    now = utcnow()
    owner = records.new_owner()
    if not locks.take(settings, locks.DELIVER, owner):
        return None
    share_size, parts = shares_wanted()
    with database() as session:
        cleaned = day.housekeeping(session)  # every dispatch: the sign-ups past their link go
        plan = day.plan(session, day.Day(now.date(), now), share_size, parts)
        run_id = (records.open_run(session, "dispatch", now.date(), owner=owner,
                                now=now.isoformat()).id if plan.shares else None)
        if run_id is not None:
            report = records.report_of(session, run_id)
            report.record_housekeeping(cleaned)
            records.save_report(session, run_id, report)
    if run_id is None:
        locks.release(settings, locks.DELIVER, owner)
        return None
    deliver_run(run_id, plan)
    return run_id


@step
def send_notices(self) -> dict:
    """Send the queued lifecycle emails (confirmations, welcomes...: `newsletter.subscribers.notice_queue`),
    enqueued by name after each web request that queued one, and every minute by beat. Rows are
    claimed, so tasks running at once never send one email twice."""
    s = services()
    return dict(notice_queue.drain(s.factory, s.settings, s.mailer, s.taxonomy))
