"""The recent runs as the operator reads them: when, how long, what each source gave, the
summaries and their cost, the emails, and what went wrong, in words. Read from each run's stored
RunReport (newsletter.runs.report)."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from newsletter.delivery.ledger import FAILED as DELIVERY_FAILED
from newsletter.models import Delivery, Run
from newsletter.runs import records
from newsletter.runs.report import RunReport
from newsletter.summarize.summaries import SummaryReport

RECENT_RUNS = 10
ERRORS_SHOWN = 3  # the commonest delivery errors of a run's editions


@dataclass
class SourceLine:
    kind: str
    url: str
    new: int
    merged: int
    error: str | None


@dataclass
class RunFigures:
    id: int
    kind: str
    state: str
    started_at: dt.datetime
    seconds: float | None  # None while running
    date: str
    sources: list[SourceLine]
    summaries: SummaryReport
    emails: Counter  # sent, failed, held, empty, already, not_due...
    problems: list[str]  # what went wrong, in words; empty for a clean run

    @property
    def tokens(self) -> int:
        return self.summaries.prompt_tokens + self.summaries.completion_tokens


def recent_runs(session: Session, limit: int = RECENT_RUNS) -> list[RunFigures]:
    return [run_figures(session, run) for run in records.recent(session, limit)]


def run_figures(session: Session, run: Run) -> RunFigures:
    stored = run.report or {}
    report = RunReport.from_dict(stored) if "date" in stored else None
    sources = [SourceLine(s.kind, s.url, s.new, s.merged, s.error)
               for s in (report.sources if report else [])]
    summaries = report.summaries if report else SummaryReport()
    emails = report.deliveries if report else Counter()
    seconds = (run.finished_at - run.started_at).total_seconds() if run.finished_at else None
    return RunFigures(run.id, stored.get("kind", "-"), run.state, run.started_at, seconds,
                      stored.get("date", "-"), sources, summaries, emails,
                      problems(session, run, report))


def problems(session: Session, run: Run, report: RunReport | None) -> list[str]:
    """What went wrong in `run`, one sentence each."""
    said = []
    if run.state == records.FAILED:
        said.append("The run failed" + (f": {run.report['note']}." if run.report.get("note")
                                        else " before its last step."))
    elif run.report.get("note"):
        said.append(f"{run.report['note']}.")
    if report is None:
        return said
    said += [f"Source {s.kind} {s.url} failed: {s.error}" for s in report.failures]
    emails, summaries = report.deliveries, report.summaries
    if emails["failed"]:
        said.append(f"{emails['failed']} emails could not be sent"
                    + _commonest_errors(session, report.edition_ids))
    if emails["held"]:
        said.append(f"{emails['held']} emails were held by another run.")
    if summaries["degraded"]:
        said.append(f"{summaries['degraded']} summaries are degraded (the offline summarizer "
                    "answered for the model).")
    if summaries.budget_reached:
        said.append("The daily LLM budget was reached: the rest used the offline summarizer.")
    return said


def _commonest_errors(session: Session, edition_ids: list[int]) -> str:
    if not edition_ids:
        return "."
    query = (select(Delivery.error, func.count()).where(
        Delivery.edition_id.in_(edition_ids), Delivery.status == DELIVERY_FAILED)
        .group_by(Delivery.error).order_by(func.count().desc()).limit(ERRORS_SHOWN))
    errors = [f"{error or 'no error recorded'} ({count})"
              for error, count in session.execute(query)]
    return ": " + "; ".join(errors) + "." if errors else "."
