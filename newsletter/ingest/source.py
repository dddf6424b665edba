"""Ingest sources: fetch (HTTP only, outside any transaction, within a deadline), parse (pure),
upsert, and record each source's health. A run reads its sources concurrently.

A source that fails (down, malformed, not a feed, a store that breaks halfway) is reported with its
error and leaves nothing half-written: its papers are stored in one savepoint that is rolled back
on any error, and the validators of a body we did not store are not kept (or the next run would
get a 304 and never store it). Every ingest adds a `source_runs` row: the health report.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from newsletter.db import dialect_insert, session_scope
from newsletter.ingest import papers
from newsletter.models import Source, SourceRun, utcnow
from newsletter.sources import SourceSpec
from newsletter.sources.fetch import Deadline, fetch
from newsletter.sources.posts import not_a_paper
from newsletter.sources.read import (
    Attempt,
    Fetcher,
    SourceRead,
    read_concurrently,
    read_pages,
    read_source,
)
from newsletter.sources.records import PaperRecord

# Downloads in flight during a run. A download waits on the network, not the CPU, and each host
# is paced on its own, so a typical configuration's sources are all read at once and the day
# costs about its slowest source (bench/bench_ingest.py); the cap bounds the bodies held at once.
SOURCES_AT_ONCE = 16
NOT_PAPERS = "not papers"  # the count of a blog feed's posts left out (see sources.posts)
# Only a blog feed mixes posts with papers: arXiv listings and Daily Papers list papers only.
_MIXED_KINDS = {"feed"}


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

    @property
    def not_papers(self) -> int:
        return self.counts[NOT_PAPERS]

    def as_dict(self) -> dict:
        return {
            "kind": self.kind,
            "url": self.url,
            "fetched": self.fetched,
            "new": self.new,
            "merged": self.merged,
            "unchanged": self.unchanged,
            "revisions": self.revisions,
            "not_papers": self.not_papers,
            "not_modified": self.not_modified,
            "failed": self.error is not None,
            "error": self.error,
        }

    @classmethod
    def from_dict(cls, data: dict) -> SourceReport:
        """The report `as_dict` stored (its paper ids are not kept)."""
        counts = Counter({papers.NEW: data.get("new", 0), papers.MERGED: data.get("merged", 0),
                          papers.UNCHANGED: data.get("unchanged", 0),
                          papers.REVISION: data.get("revisions", 0),
                          NOT_PAPERS: data.get("not_papers", 0)})
        return cls(data["kind"], data["url"], data.get("fetched", 0), +counts,
                   data.get("not_modified", False), data.get("error"),
                   list(data.get("paper_ids", [])))


def source_row(session: Session, spec: SourceSpec) -> Source:
    """The row that keeps this source's caching headers and health, created on first use by
    an upsert, so that two runs starting together on a new database both get the one row."""
    session.execute(dialect_insert(session, Source.__table__)
                    .values(kind=spec.kind, url=spec.url)
                    .on_conflict_do_nothing(index_elements=["kind", "url"]))
    return session.scalar(select(Source).where(Source.kind == spec.kind, Source.url == spec.url))


def validators(session: Session, spec: SourceSpec) -> tuple[str | None, str | None]:
    """The ETag and Last-Modified to send for this source, read without writing: the download
    happens outside any write transaction (on SQLite one would lock the database meanwhile)."""
    row = session.execute(select(Source.etag, Source.last_modified)
                          .where(Source.kind == spec.kind, Source.url == spec.url)).first()
    return (row.etag, row.last_modified) if row else (None, None)


def ingest_source(
    session: Session, spec: SourceSpec, *, fetcher: Fetcher = fetch, date: dt.date | None = None,
    deadline: float = 60.0,
) -> SourceReport:
    """Fetch, parse and store one source (`date`: the day a dated API such as Daily Papers is
    read for; `deadline`: seconds for the whole download). Never raises for the source's own
    failures: they are in the report, on the source's row and in its run row, so the other
    sources proceed."""
    known = validators(session, spec)
    return store(session, spec, Attempt.of(
        lambda: read(spec, known, fetcher=fetcher, date=date, deadline=deadline)))


def ingest_all(factory: sessionmaker[Session], specs: Iterable[SourceSpec], *,
               fetcher: Fetcher = fetch, date: dt.date | None = None, deadline: float = 60.0,
               at_once: int = SOURCES_AT_ONCE) -> list[SourceReport]:
    """Ingest every source: read `at_once` at a time, each within `deadline` seconds, and
    store each as it arrives in a transaction of its own, so a slow source delays nobody else's
    papers. Reports in the order of `specs`."""
    specs = list(dict.fromkeys(specs))
    with session_scope(factory) as session:
        known = {spec: validators(session, spec) for spec in specs}
    reports = {}
    for spec, attempt in read_concurrently(specs, lambda spec: read(
            spec, known[spec], fetcher=fetcher, date=date, deadline=deadline), at_once):
        with session_scope(factory) as session:
            reports[spec] = store(session, spec, attempt)
    return [reports[spec] for spec in specs]


def read(spec: SourceSpec, known: tuple[str | None, str | None], *, fetcher: Fetcher,
         date: dt.date | None, deadline: float) -> SourceRead:
    """Read one source with the validators `known` for it, within `deadline` seconds."""
    etag, last_modified = known
    return read_source(spec, fetcher=fetcher, etag=etag, last_modified=last_modified, date=date,
                       deadline=Deadline.after(deadline))


def ingest_pages(
    session: Session,
    spec: SourceSpec,
    urls: Iterable[str],
    *,
    fetcher: Fetcher = fetch,
    page_size: int | None = None,
    backdate: bool = False,
    deadline: float | None = None,
) -> SourceReport:
    """Like ingest_source for the pages of one query (see read_pages), recorded under `spec`.
    `backdate` stores new papers as first seen when published (see papers.upsert_records);
    `deadline`: seconds for every page together (None: none, for an operator's backfill)."""
    attempt = Attempt.of(lambda: read_pages(
        spec.kind, urls, fetcher=fetcher, page_size=page_size,
        deadline=Deadline.after(deadline) if deadline is not None else None))
    return store(session, spec, attempt, backdate=backdate)


def store(session: Session, spec: SourceSpec, attempt: Attempt, *,
          backdate: bool = False) -> SourceReport:
    """Store what one read of `spec` gave, or its error, and record the source's health.
    Never raises for the source's own failures (see ingest_source)."""
    row, report = source_row(session, spec), SourceReport(kind=spec.kind, url=spec.url)
    error = attempt.error
    if error is None:
        try:
            report.not_modified = attempt.read.not_modified
            report.fetched = len(attempt.read.records)
            _store(session, spec, attempt.read.records, report, backdate)
            row.etag, row.last_modified = attempt.read.etag, attempt.read.last_modified
            row.last_success_at = utcnow()
        except Exception as failure:  # noqa: BLE001 (one bad source must never stop the run)
            error = failure
    if error is not None:
        report.error = f"{type(error).__name__}: {error}"
        report.counts.clear()  # the savepoint is gone: nothing was stored
        report.paper_ids.clear()
        row.last_error, row.last_error_at = report.error, utcnow()
    session.add(_run_row(row, report, attempt.started))
    session.flush()
    return report


def _store(
    session: Session,
    spec: SourceSpec,
    records: list[PaperRecord],
    report: SourceReport,
    backdate: bool,
) -> None:
    """Upsert every record in one savepoint: all of them are stored, or (on error) none.
    A blog feed's posts that are not papers (jobs, events, calls) are counted, not stored."""
    if spec.kind in _MIXED_KINDS:
        kept = [record for record in records if not_a_paper(record) is None]
        report.counts[NOT_PAPERS] += len(records) - len(kept)
        records = kept
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
        not_papers=report.not_papers,
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
    line = (
        f"{outcome.fetched} fetched, {outcome.new} new, {outcome.merged} merged, "
        f"{outcome.unchanged} unchanged, {outcome.revisions} revisions not news"
    )
    if outcome.not_papers:
        line += f", {outcome.not_papers} posts skipped: not papers"
    return line


def _run_text(run: SourceRun) -> str:
    return f"{_when(run.started_at)}: {describe(run)}"


def _when(moment: dt.datetime | None) -> str:
    return f"{moment:%Y-%m-%d %H:%M} UTC" if moment else "never"
