"""Each run's summary: stored in the `runs` table as it goes, listed by `newsletter runs`, and
followed live by `newsletter run` when Celery workers do the work.

A run done by workers is "running" from its first task to its last; every task of it moves its
heartbeat. A running run whose heartbeat stopped for longer than a task may take (its tasks were
lost, e.g. Redis restarted without persistence, or a step failed for good) is stale: the
dispatch resumes it, at most MAX_RESUMES times. Resuming is safe because every step is
idempotent (conditional fetches, cached summaries, one edition per date, the delivery ledger).
"""

from __future__ import annotations

import datetime as dt
import time
import uuid
from collections.abc import Callable, Mapping

from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from newsletter.config import Settings
from newsletter.db import session_scope
from newsletter.delivery import ledger
from newsletter.models import Run, utcnow
from newsletter.queue import PIPELINE_TASK, send_task
from newsletter.runs.report import RunReport
from newsletter.sources import SourceSpec

RUNNING, FINISHED, FAILED = "running", "finished", "failed"
MAX_RESUMES = 3


def new_owner() -> str:
    """A run's name for the locks it holds (workers.locks)."""
    return uuid.uuid4().hex


def open_run(session: Session, kind: str, date: dt.date, owner: str | None = None,
             **details) -> Run:
    """Record the start of a run of `kind` ("pipeline", "ingest", "dispatch") for `date`."""
    now = utcnow()
    run = Run(started_at=now, heartbeat_at=now, state=RUNNING,
              report={"kind": kind, "date": date.isoformat(), "owner": owner or new_owner(),
                      **details})
    session.add(run)
    session.flush()
    return run


def touch(session: Session, run_id: int) -> None:
    """Move the run's heartbeat: one of its tasks is alive."""
    session.execute(update(Run).where(Run.id == run_id).values(heartbeat_at=utcnow()))


def waiting_for(session: Session, owner: str | None) -> str:
    """The stage of a run waiting for the lock that `owner` holds: which run that is, when it is
    a running one (it may have died: its lock then lasts a visibility timeout)."""
    holding = [run.id for run in session.scalars(select(Run).where(Run.state == RUNNING))
               if owner is not None and run.report.get("owner") == owner]
    return f"waiting for {f'run #{holding[0]}' if holding else 'another run'} to end (it holds the lock)"


def update_report(session: Session, run_id: int, **sections) -> Run:
    """Set these sections of the run's report (one writer per section: the step that owns it)."""
    run = session.get(Run, run_id, with_for_update=True)
    run.report = {**run.report, **sections}
    run.heartbeat_at = utcnow()
    return run


def close(session: Session, run_id: int, state: str = FINISHED, **sections) -> None:
    """End the run in `state` with these last sections of its report."""
    run = update_report(session, run_id, **sections)
    run.state, run.finished_at = state, utcnow()


def save_report(session: Session, run_id: int, report: RunReport) -> Run:
    """Store the sections of the typed report (the run's own keys, such as its plan, stay)."""
    return update_report(session, run_id, **report.as_dict())


def report_of(session: Session, run_id: int) -> RunReport:
    """The typed report of a worker run, as its steps recorded it so far."""
    return RunReport.from_dict(session.get(Run, run_id).report)


def claim_stale(session: Session, quiet_for: dt.timedelta,
                now: dt.datetime | None = None) -> list[int]:
    """The ids of the running runs with no heartbeat for `quiet_for`, to resume; each is counted
    and its heartbeat moved, so another dispatcher does not take it too (on PostgreSQL the rows
    are locked with SKIP LOCKED). Runs resumed MAX_RESUMES times already are closed as failed."""
    now = now or utcnow()
    query = (select(Run).where(Run.state == RUNNING, Run.heartbeat_at < now - quiet_for)
             .order_by(Run.id).with_for_update(skip_locked=True))
    resumed = []
    for run in session.scalars(query):
        count = run.report.get("resumes", 0)
        if count >= MAX_RESUMES:
            run.state, run.finished_at = FAILED, now
            continue
        run.report, run.heartbeat_at = {**run.report, "resumes": count + 1}, now
        resumed.append(run.id)
    session.flush()
    return resumed


BATCH_LEASE = "batch "  # the lease a delivery task holds while it runs: "batch RUN INDEX"


def batch_lease(run_id: int, index: int) -> str:
    """The lease name of batch `index` of run `run_id`'s delivery plan."""
    return f"{BATCH_LEASE}{run_id} {index}"


def batch_done(session: Session, run_id: int, index: int, batch: tuple[int, int, int],
               outcomes: Mapping[str, int]) -> bool:
    """Record the outcomes of batch `index` ([edition id, first id, last id]) of the run's
    plan; True when it was the last batch to report. A batch reported already, or not of the
    run's current plan (a task of an earlier plan redelivered), changes nothing."""
    touch(session, run_id)  # a write first: on SQLite it locks, so two reports never interleave
    run = session.get(Run, run_id, with_for_update=True, populate_existing=True)
    plan, done = run.report.get("plan", []), dict(run.report.get("done", {}))
    if (run.state != RUNNING or not 0 <= index < len(plan) or plan[index] != list(batch)
            or str(index) in done):
        return False
    done[str(index)] = {key: count for key, count in outcomes.items() if count}
    run.report = {**run.report, "done": done}
    return len(done) == len(plan)


def lost_batches(session: Session, expired: list[str]) -> list[tuple[int, int, list, str | None]]:
    """Of these expired lease names, the batches whose task died before reporting: (run id,
    index, [edition id, first id, last id], the run's `now`) for each, of runs still running."""
    lost = []
    for name in expired:
        if not name.startswith(BATCH_LEASE):
            continue
        run_id, index = (int(part) for part in name.removeprefix(BATCH_LEASE).split())
        run = session.get(Run, run_id)
        plan = run.report.get("plan", []) if run is not None else []
        if (run is not None and run.state == RUNNING and index < len(plan)
                and str(index) not in run.report.get("done", {})):
            lost.append((run_id, index, plan[index], run.report.get("now")))
    return lost


def start_pipeline(factory: sessionmaker[Session], settings: Settings, specs: list[SourceSpec],
                   date: dt.date, now: dt.datetime | None) -> int:
    """Record a pipeline run and hand it to the workers; return its id. `now` (naive UTC)
    decides who is due, None: every digest of the day."""
    with session_scope(factory) as session:
        run_id = open_run(session, "pipeline", date, specs=[[s.kind, s.url] for s in specs],
                          now=now.isoformat() if now else None).id
    try:
        send_task(settings, PIPELINE_TASK, run_id)
    except Exception:
        # Never queued: left "running", the dispatch would resume it long after the caller
        # was told it failed.
        with session_scope(factory) as session:
            close(session, run_id, FAILED, note="could not be handed to the workers")
        raise
    return run_id


def progress(session: Session, run: Run) -> str:
    """One line on where a run stands, for the live display."""
    report = run.report
    if "planned" not in report:
        done = len(report.get("sources", []))
        return f"{run.state}: {report.get('stage', 'queued')} ({done} sources done)"
    counts = ledger.counts_by_status(session, report.get("edition_ids", []))
    return (f"{run.state}: delivering, {counts['sent']} sent, {counts['failed']} failed, "
            f"{counts['empty']} with nothing new, of {report['planned']} subscribers planned")


def follow(factory: sessionmaker[Session], run_id: int, echo: Callable[[str], None],
           poll: float = 1.0, sleep: Callable[[float], None] = time.sleep) -> Run:
    """Print the run's progress each time it changes, until it ends; return the ended run."""
    last = None
    while True:
        with session_scope(factory) as session:
            run = session.get(Run, run_id)
            line = progress(session, run)
        if line != last:
            echo(line)
            last = line
        if run.state != RUNNING:
            return run
        sleep(poll)


def recent(session: Session, limit: int = 20) -> list[Run]:
    return list(session.scalars(select(Run).order_by(Run.id.desc()).limit(limit)))
