"""Thin tasks: each takes ids or values, calls the same step functions as `newsletter run`, and
is safe to run twice (the steps are idempotent, and deliveries are claimed in the ledger before
any email goes out). A run, recorded in `runs`, is a chain of chords:

    run_pipeline -> ingest, one task per source                          -> after_ingest
                 -> summarize, at most NEWSLETTER_LLM_CONCURRENCY chunks  -> after_summaries
                 -> deliver_batch, one task per range of subscriber ids, the last to end
                    closing the run (runs.batch_done)

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

from newsletter import leases, notice_queue, runs
from newsletter.config import get_settings
from newsletter.db import session_scope
from newsletter.delivery import deliver_edition
from newsletter.digests import build_edition
from newsletter.ingest import ingest_source
from newsletter.models import Edition, Run, utcnow
from newsletter.pipeline import subscriber_languages
from newsletter.renderings import WORKER_KEPT, Renderings
from newsletter.sources import SourceSpec
from newsletter.summaries import summarize_and_tag
from newsletter.wiring import Services
from workers import fanout, locks
from workers.celery_app import app

log = logging.getLogger(__name__)

# a database or Redis that is away for a moment: retried with exponential backoff and jitter
TRANSIENT = (OperationalError, InterfaceError, RedisConnectionError, RedisTimeoutError)
step = app.task(bind=True, autoretry_for=TRANSIENT, retry_backoff=2, retry_backoff_max=300,
                retry_jitter=True, max_retries=8)

_services: Services | None = None
# The digests this process rendered for the latest run's tasks: the next task of the run sends
# many of them again, to other readers.
_renderings = Renderings(WORKER_KEPT)


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
        raise self.retry(countdown=max(1, settings.visibility_timeout // 10), max_retries=50)
    if report["kind"] == "dispatch":
        deliver_run(run_id)
        return
    with database() as session:
        runs.update_report(session, run_id, stage="ingesting")
    fan_out([ingest.s(kind, url, report["date"], run_id) for kind, url in report["specs"]],
            after_ingest.s(run_id))


@step
def ingest(self, kind: str, url: str, date: str, run_id: int | None = None) -> dict:
    """Ingest one source; its report, with the ids of the papers it carried."""
    with database() as session:
        report = ingest_source(session, SourceSpec(kind, url), date=dt.date.fromisoformat(date),
                               deadline=services().settings.fetch_deadline)
        if run_id is not None:
            runs.touch(session, run_id)
    log.info("ingested %s", url, extra={"run_id": run_id, "new": report.new,
                                        "error": report.error})
    return {**report.as_dict(), "paper_ids": report.paper_ids}


@step
def after_ingest(self, results: list[dict], run_id: int) -> None:
    """Record the sources; build the edition (runs that deliver); summarize what is new."""
    settings = services().settings
    with database() as session:
        report = runs.update_report(session, run_id, stage="summarizing", sources=[
            {key: value for key, value in r.items() if key != "paper_ids"} for r in results]).report
        paper_ids = [paper_id for r in results for paper_id in r["paper_ids"]]
        if report["kind"] == "pipeline":
            edition = build_edition(session, dt.date.fromisoformat(report["date"]))
            paper_ids += [entry.paper_id for entry in edition.papers]
        languages = subscriber_languages(session)
    chunks = fanout.split(list(dict.fromkeys(paper_ids)), settings.llm_concurrency)
    fan_out([summarize.s(chunk, languages, run_id) for chunk in chunks],
            after_summaries.s(run_id))


@step
def summarize(self, paper_ids: list[str], languages: list[str], run_id: int | None = None
              ) -> dict:
    """Summarize and tag these papers, one model call at a time (the chunks are the parallelism)."""
    s = services()
    with database() as session:
        report = summarize_and_tag(session, paper_ids, s.summarizer, s.taxonomy, languages,
                                   daily_budget_usd=s.settings.llm_daily_budget_usd)
        if run_id is not None:
            runs.touch(session, run_id)
    return report.as_dict()


@step
def after_summaries(self, results: list[dict], run_id: int) -> None:
    """Record the summaries; deliver (pipeline runs) or end the run (ingest runs)."""
    totals = sum((Counter({k: v for k, v in r.items() if isinstance(v, (int, float))})
                  for r in results), Counter())
    with database() as session:
        report = runs.update_report(session, run_id, summaries=dict(totals)).report
        if report["kind"] != "pipeline":
            runs.close(session, run_id, stage="done")
    if report["kind"] == "pipeline":
        deliver_run(run_id)
    else:
        locks.release(services().settings, _lock_of(report), report["owner"])


def deliver_run(run_id: int, plan: fanout.DeliveryPlan | None = None) -> None:
    """Plan the run's deliveries (unless given) and send them out, one task per id range. The
    run ends when every batch has reported (runs.batch_done), not when a chord fires: a batch
    whose worker died is run again by `recover` under the same index."""
    settings = services().settings
    with database() as session:
        report = session.get(Run, run_id).report
        now = _moment(report.get("now"))
        plan = plan or fanout.plan_delivery(session, dt.date.fromisoformat(report["date"]), now,
                                            settings.delivery_batch_size)
        runs.update_report(session, run_id, stage="delivering", edition_ids=plan.edition_ids,
                           planned=plan.planned, batches=len(plan.batches),
                           plan=[list(batch) for batch in plan.batches], done={})
    log.info("delivering", extra={"run_id": run_id, "edition_ids": plan.edition_ids,
                                  "planned": plan.planned, "batches": len(plan.batches)})
    if not plan.batches:
        _finish(run_id)
    for index, (edition_id, first, last) in enumerate(plan.batches):
        deliver_batch.delay(edition_id, first, last, report.get("now"), run_id, index)


@step
def deliver_batch(self, edition_id: int, first_id: int, last_id: int, now: str | None,
                  run_id: int | None = None, index: int | None = None) -> dict:
    """Deliver the edition to the due subscribers with ids in [first_id, last_id], holding the
    batch's lease (runs.batch_lease) while it runs, and report the outcomes to the run. Rows a
    dead worker left in the range are taken over (ledger.reclaim); a copy of this batch that
    another live task is running makes this one do nothing."""
    s = services()
    ids = {"run_id": run_id, "edition_id": edition_id, "first_id": first_id, "last_id": last_id}
    names = [runs.batch_lease(run_id, index)] if index is not None else []
    try:
        with leases.Heartbeat(s.engine, s.settings.lease_seconds, names=names,
                              note=f"delivery task {self.request.id}") as holder:
            with database() as session:
                edition = session.get(Edition, edition_id)
                renderings = (_renderings.scoped((run_id, edition_id))
                              if run_id is not None else None)
                outcomes = deliver_edition(session, s.settings, s.mailer, edition, first_id,
                                           last_id, now=_moment(now), renderings=renderings,
                                           holder=holder.owner)
                if run_id is not None:
                    runs.touch(session, run_id)
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
        last = runs.batch_done(session, run_id, index, batch, outcomes)
    if last:
        _finish(run_id)


def _finish(run_id: int) -> None:
    """Store the run's delivery outcomes, end it, and free its lock."""
    with database() as session:
        report = session.get(Run, run_id).report
        totals = sum((Counter(done) for done in report.get("done", {}).values()), Counter())
        ledger = runs.ledger_counts(session, report.get("edition_ids", []))
        runs.close(session, run_id, stage="done", deliveries=dict(totals), ledger=dict(ledger))
    locks.release(services().settings, _lock_of(report), report["owner"])
    log.info("run finished", extra={"run_id": run_id, "deliveries": dict(totals)})


@step
def recover(self) -> int:
    """Every lease period (beat): send again the delivery batches whose task died, its lease
    having run out before it ended. The broker would hand such a task on only after
    NEWSLETTER_VISIBILITY_TIMEOUT (an hour); this way their readers wait about a minute.
    Return how many batches were sent again."""
    with database() as session:
        lost = runs.lost_batches(session, leases.forget_expired(session))
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
        run_id = runs.open_run(session, "ingest", utcnow().date(),
                               specs=[[spec.kind, spec.url] for spec in specs]).id
    run_pipeline.delay(run_id)
    return run_id


@step
def dispatch(self) -> int | None:
    """Every 15 minutes: resume the runs whose tasks were lost, then deliver the digests due
    now, as a run of their own, unless another run is delivering (it holds the lock)."""
    settings = services().settings
    with database() as session:
        stale = runs.claim_stale(session, dt.timedelta(seconds=settings.visibility_timeout))
    for run_id in stale:
        log.warning("resuming a run whose tasks were lost", extra={"run_id": run_id})
        run_pipeline.delay(run_id)
    now = utcnow()
    owner = runs.new_owner()
    if not locks.take(settings, locks.DELIVER, owner):
        return None
    with database() as session:
        plan = fanout.plan_delivery(session, now.date(), now, settings.delivery_batch_size)
        run_id = (runs.open_run(session, "dispatch", now.date(), owner=owner,
                                now=now.isoformat()).id if plan.batches else None)
    if run_id is None:
        locks.release(settings, locks.DELIVER, owner)
        return None
    deliver_run(run_id, plan)
    return run_id


@step
def send_notices(self) -> dict:
    """Send the queued lifecycle emails (confirmations, welcomes...: `newsletter.notice_queue`),
    enqueued by name after each web request that queued one, and every minute by beat. Rows are
    claimed, so tasks running at once never send one email twice."""
    s = services()
    return dict(notice_queue.drain(s.factory, s.settings, s.mailer, s.taxonomy))
