"""Ingest one source: fetch (HTTP only), parse (pure), upsert, and record the source's health.

A source that fails (down, malformed, not a feed) is reported with its error and leaves nothing
half-written: its papers are stored in one savepoint that is rolled back on any error.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from newsletter import papers
from newsletter.models import Source, utcnow
from newsletter.sources import SourceSpec, parse
from newsletter.sources.fetch import fetch


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

    def as_dict(self) -> dict:
        return {"kind": self.kind, "url": self.url, "fetched": self.fetched, "new": self.new,
                "merged": self.merged, "unchanged": self.counts[papers.UNCHANGED],
                "not_modified": self.not_modified, "error": self.error}


def source_row(session: Session, spec: SourceSpec) -> Source:
    """The row that keeps this source's caching headers and health, created on first use."""
    row = session.scalar(select(Source).where(Source.kind == spec.kind, Source.url == spec.url))
    if row is None:
        row = Source(kind=spec.kind, url=spec.url)
        session.add(row)
        session.flush()
    return row


def ingest_source(session: Session, spec: SourceSpec, *, fetcher=fetch) -> SourceReport:
    """Fetch, parse and store one source. Never raises for the source's own failures: they are
    in the report (and on the source's row), so the other sources proceed."""
    report = SourceReport(kind=spec.kind, url=spec.url)
    row = source_row(session, spec)
    try:
        result = fetcher(spec.url, etag=row.etag, last_modified=row.last_modified)
        if result.not_modified:
            report.not_modified = True
        else:
            records = parse(spec.kind, result.content)
            report.fetched = len(records)
            with session.begin_nested():
                for record in records:
                    outcome, paper = papers.upsert_record(
                        session, record, kind=spec.kind, url=spec.url
                    )
                    report.counts[outcome] += 1
                    report.paper_ids.append(paper.id)
        row.etag, row.last_modified = result.etag, result.last_modified
        row.last_success_at = utcnow()
    except Exception as error:  # one bad source must never stop the run
        report.error = f"{type(error).__name__}: {error}"
        row.last_error, row.last_error_at = report.error, utcnow()
    session.flush()
    return report
