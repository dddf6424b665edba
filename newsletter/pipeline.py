"""The daily job, in-process: ingest every source, summarize and tag, build the edition, deliver.

Celery tasks in `workers/` call the same step functions, so both modes do the same thing.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from newsletter.config import Settings
from newsletter.db import session_scope
from newsletter.delivery import deliver_edition
from newsletter.digests import build_edition
from newsletter.ingest import SourceReport, ingest_source
from newsletter.mail import Mailer
from newsletter.models import Run, Subscriber, utcnow
from newsletter.sources import SourceSpec
from newsletter.sources.fetch import fetch
from newsletter.subscriptions import CONFIRMED
from newsletter.summaries import Summarizer, summarize_and_tag
from newsletter.topics import Taxonomy


@dataclass
class RunReport:
    date: dt.date
    sources: list[SourceReport] = field(default_factory=list)
    summaries: Counter = field(default_factory=Counter)
    deliveries: Counter = field(default_factory=Counter)
    edition_size: int = 0

    @property
    def failures(self) -> list[SourceReport]:
        return [source for source in self.sources if source.error]

    def as_dict(self) -> dict:
        return {"date": self.date.isoformat(), "sources": [s.as_dict() for s in self.sources],
                "summaries": dict(self.summaries), "deliveries": dict(self.deliveries),
                "edition_size": self.edition_size}

    def lines(self) -> list[str]:
        """The short report the command prints."""
        out = [f"Run for {self.date.isoformat()}"]
        for s in self.sources:
            state = f"FAILED: {s.error}" if s.error else (
                "unchanged (304)" if s.not_modified else
                f"{s.fetched} items, {s.new} new, {s.merged} merged")
            out.append(f"  source {s.kind} {s.url}: {state}")
        c = self.summaries
        out.append(f"  summaries: {c['made']} made, {c['cached']} cached, "
                   f"{c['degraded']} degraded")
        d = self.deliveries
        out.append(f"  edition: {self.edition_size} papers; emails: {d['sent']} sent, "
                   f"{d['empty']} with nothing new, {d['already']} already sent, "
                   f"{d['failed']} failed")
        return out


def subscriber_languages(session: Session) -> list[str]:
    """The summary languages some confirmed subscriber chose (English always)."""
    query = select(Subscriber.language).where(Subscriber.status == CONFIRMED).distinct()
    return sorted({"en", *session.scalars(query)})


def run_daily(factory: sessionmaker[Session], settings: Settings, *, specs: list[SourceSpec],
              date: dt.date, mailer: Mailer, summarizer: Summarizer, taxonomy: Taxonomy,
              fetcher=fetch) -> RunReport:
    """Run every step of the day; a failing source is reported and the rest goes on."""
    started, report = utcnow(), RunReport(date=date)
    seen: list[str] = []
    for spec in specs:
        with session_scope(factory) as session:
            source_report = ingest_source(session, spec, fetcher=fetcher)
        report.sources.append(source_report)
        seen.extend(source_report.paper_ids)
    with session_scope(factory) as session:
        edition = build_edition(session, date)
        report.edition_size = len(edition.papers)
        to_summarize = [*seen, *(entry.paper_id for entry in edition.papers)]
        report.summaries = summarize_and_tag(session, to_summarize, summarizer, taxonomy,
                                             subscriber_languages(session))
    with session_scope(factory) as session:
        edition = build_edition(session, date)
        report.deliveries = deliver_edition(session, settings, mailer, edition)
        session.add(Run(started_at=started, finished_at=utcnow(), report=report.as_dict()))
    return report
