"""Ingest one source: fetch (HTTP only), parse (pure), upsert, and record the source's health.

A source that fails (down, malformed, not a feed, a store that breaks halfway) is reported with its
error and leaves nothing half-written: its papers are stored in one savepoint that is rolled back
on any error, and the validators of a body we did not store are not kept (or the next run would
get a 304 and never store it). Every ingest adds a `source_runs` row: the health report.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from newsletter import papers
from newsletter.models import Source, SourceRun, utcnow
from newsletter.sources import SourceSpec
from newsletter.sources.fetch import fetch
from newsletter.sources.read import Fetcher, SourceRead, read_pages, read_source
from newsletter.sources.records import PaperRecord


@dataclass
class SourceReport:
    """What one ingest of one source did."""

    kind: str
    url: str
    fetched: int = 0
    counts: Counter = field(default_factory=Counter)
    not_modified: bool = False
    error: str | None = None
    paper_ids: list[str] = field(default_factory=list)

    @property
    def new(self) -> int:
        return self.counts[papers.NEW]

    @property
    def merged(self) -> int:
        return self.counts[papers.MERGED] + self.counts[papers.UPDATED]

    @property
    def unchanged(self) -> int:
        return self.counts[papers.UNCHANGED]

    @property
    def revisions(self) -> int:
        return self.counts[papers.REVISION]

    def as_dict(self) -> dict:
        return {
            "kind": self.kind,
            "url": self.url,
            "fetched": self.fetched,
            "new": self.new,
            "merged": self.merged,
            "unchanged": self.unchanged,
            "revisions": self.revisions,
            "not_modified": self.not_modified,
            "failed": self.error is not None,
            "error": self.error,
        }


def source_row(session: Session, spec: SourceSpec) -> Source:
    """The row that keeps this source's caching headers and health, created on first use."""
    row = session.scalar(select(Source).where(Source.kind == spec.kind, Source.url == spec.url))
    if row is None:
        row = Source(kind=spec.kind, url=spec.url)
        session.add(row)
        session.flush()
    return row


def ingest_source(
    session: Session, spec: SourceSpec, *, fetcher: Fetcher = fetch, date: dt.date | None = None
) -> SourceReport:
    """Fetch, parse and store one source (`date`: the day a dated API such as Daily Papers is
    read for). Never raises for the source's own failures: they are in the report, on the
    source's row and in its run row, so the other sources proceed."""
    row = source_row(session, spec)
    return _ingest(
        session,
        spec,
        row,
        lambda: read_source(
            spec, fetcher=fetcher, etag=row.etag, last_modified=row.last_modified, date=date
        ),
    )


def ingest_pages(
    session: Session,
    spec: SourceSpec,
    urls: Iterable[str],
    *,
    fetcher: Fetcher = fetch,
    page_size: int | None = None,
    backdate: bool = False,
) -> SourceReport:
    """Like ingest_source for the pages of one query (see read_pages), recorded under `spec`.
    `backdate` stores new papers as first seen when published (see papers.upsert_records)."""
    row = source_row(session, spec)
    return _ingest(
        session,
        spec,
        row,
        lambda: read_pages(spec.kind, urls, fetcher=fetcher, page_size=page_size),
        backdate=backdate,
    )


def _ingest(
    session: Session,
    spec: SourceSpec,
    row: Source,
    read: Callable[[], SourceRead],
    *,
    backdate: bool = False,
) -> SourceReport:
    report, started = SourceReport(kind=spec.kind, url=spec.url), utcnow()
    try:
        result = read()
        report.not_modified = result.not_modified
        report.fetched = len(result.records)
        _store(session, spec, result.records, report, backdate)
        row.etag, row.last_modified = result.etag, result.last_modified
        row.last_success_at = utcnow()
    except Exception as error:  # noqa: BLE001 (one bad source must never stop the run)
        report.error = f"{type(error).__name__}: {error}"
        report.counts.clear()  # the savepoint is gone: nothing was stored
        report.paper_ids.clear()
        row.last_error, row.last_error_at = report.error, utcnow()
    session.add(_run_row(row, report, started))
    session.flush()
    return report


def _store(
    session: Session,
    spec: SourceSpec,
    records: list[PaperRecord],
    report: SourceReport,
    backdate: bool,
) -> None:
    """Upsert every record in one savepoint: all of them are stored, or (on error) none."""
    with session.begin_nested():
        stored = papers.upsert_records(
            session, records, kind=spec.kind, url=spec.url, backdate=backdate
        )
        for outcome, paper in stored:
            report.counts[outcome] += 1
            if paper.announce:  # what to summarize: a revision-only paper never reaches anyone
                report.paper_ids.append(paper.id)


def _run_row(row: Source, report: SourceReport, started: dt.datetime) -> SourceRun:
    return SourceRun(
        source_id=row.id,
        started_at=started,
        finished_at=utcnow(),
        fetched=report.fetched,
        new=report.new,
        merged=report.merged,
        unchanged=report.unchanged,
        revisions=report.revisions,
        not_modified=report.not_modified,
        failed=report.error is not None,
        error=report.error,
    )


@dataclass
class SourceHealth:
    """A source's last success, last error and last run (None: never run)."""

    kind: str
    url: str
    row: Source | None
    last_run: SourceRun | None

    def lines(self) -> list[str]:
        """What `newsletter sources` prints for this source."""
        row, run = self.row, self.last_run
        error = f"{_when(row.last_error_at)} {row.last_error}" if row and row.last_error else "none"
        return [
            f"{self.kind}={self.url}",
            f"  last success: {_when(row.last_success_at) if row else 'never'}",
            f"  last error:   {error}",
            f"  last run:     {_run_text(run) if run else 'never run'}",
        ]


def source_health(session: Session, specs: Iterable[SourceSpec]) -> list[SourceHealth]:
    """Every source: the configured ones in their order, then the others the database knows
    (removed from the configuration, backfills, enrichment)."""
    rows = {(row.kind, row.url): row for row in session.scalars(select(Source).order_by(Source.id))}
    keys = dict.fromkeys([(spec.kind, spec.url) for spec in specs] + list(rows))
    return [
        SourceHealth(kind, url, rows.get((kind, url)), _last_run(session, rows.get((kind, url))))
        for kind, url in keys
    ]


def _last_run(session: Session, row: Source | None) -> SourceRun | None:
    if row is None:
        return None
    query = select(SourceRun).where(SourceRun.source_id == row.id)
    return session.scalar(query.order_by(SourceRun.id.desc()).limit(1))


def describe(outcome: SourceReport | SourceRun) -> str:
    """One ingest in a line: its counts, "unchanged (304)", or FAILED and the error."""
    if outcome.error:
        return f"FAILED: {outcome.error}"
    if outcome.not_modified:
        return "unchanged (304)"
    return (
        f"{outcome.fetched} fetched, {outcome.new} new, {outcome.merged} merged, "
        f"{outcome.unchanged} unchanged, {outcome.revisions} revisions not news"
    )


def _run_text(run: SourceRun) -> str:
    return f"{_when(run.started_at)}: {describe(run)}"


def _when(moment: dt.datetime | None) -> str:
    return f"{moment:%Y-%m-%d %H:%M} UTC" if moment else "never"
