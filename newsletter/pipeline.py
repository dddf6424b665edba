"""The daily job, in-process: ingest every source, summarize and tag, build the edition, deliver.

Celery tasks in `workers/` call the same step functions, so both modes do the same thing.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from newsletter.backfill import enrich, lacking_metadata
from newsletter.config import Settings
from newsletter.db import session_scope
from newsletter.delivery import deliver_due
from newsletter.digests import build_edition
from newsletter.ingest import SourceReport, describe, ingest_all
from newsletter.mail import Mailer
from newsletter.models import Run, Subscriber, utcnow
from newsletter.signup import purge_unconfirmed
from newsletter.sources import SourceSpec
from newsletter.sources.fetch import fetch
from newsletter.subscriptions import CONFIRMED
from newsletter.summaries import Summarizer, SummaryReport, summarize_and_tag
from newsletter.topics import Taxonomy


@dataclass
class RunReport:
    date: dt.date
    sources: list[SourceReport] = field(default_factory=list)
    summaries: SummaryReport = field(default_factory=SummaryReport)
    deliveries: Counter = field(default_factory=Counter)
    edition_size: int = 0

    @property
    def failures(self) -> list[SourceReport]:
        return [source for source in self.sources if source.error]

    def as_dict(self) -> dict:
        return {"date": self.date.isoformat(), "sources": [s.as_dict() for s in self.sources],
                "summaries": self.summaries.as_dict(), "deliveries": dict(self.deliveries),
                "edition_size": self.edition_size}

    def lines(self) -> list[str]:
        """The short report the command prints."""
        out = [f"Run for {self.date.isoformat()}"]
        for s in self.sources:
            out.append(f"  source {s.kind} {s.url}: {describe(s)}")
        out.append(f"  summaries: {self.summaries.describe()}")
        d = self.deliveries
        out.append(f"  edition: {self.edition_size} papers; emails: {d['sent']} sent, "
                   f"{d['empty']} with nothing new, {d['already']} already sent, "
                   f"{d['failed']} failed, {d['not_due']} not due yet")
        if d["resumed"]:
            out.append(f"  {d['resumed']} emails taken over from a run that died, sent again")
        if d["held"]:
            out.append(f"  {d['held']} emails held by another run: it sends them, or if it died "
                       "a later run takes them over once its lease has run out")
        return out


def subscriber_languages(session: Session) -> list[str]:
    """The summary languages some confirmed subscriber chose (English always)."""
    query = select(Subscriber.language).where(Subscriber.status == CONFIRMED).distinct()
    return sorted({"en", *session.scalars(query)})


def run_daily(factory: sessionmaker[Session], settings: Settings, *, specs: list[SourceSpec],
              date: dt.date, mailer: Mailer, summarizer: Summarizer, taxonomy: Taxonomy,
              fetcher=fetch, now: dt.datetime | None = None,
              holder: str | None = None) -> RunReport:
    """Run every step of the day; a failing source is reported and the rest goes on. Digests go
    to the subscribers due at `now` (naive UTC), or to all due that day when `now` is None.
    `holder`: the lease owner of the calling process (newsletter.leases), that delivery rows
    are held under. Each step commits on its own, so no write transaction stays open across a
    download or a model call (on SQLite it would lock the database meanwhile)."""
    started, report = utcnow(), RunReport(date=date)
    with session_scope(factory) as session:
        purge_unconfirmed(session)  # sign-ups never confirmed are not kept past their link
    report.sources = ingest_all(factory, specs, fetcher=fetcher, date=date,
                                deadline=settings.fetch_deadline)
    seen = [paper_id for source in report.sources for paper_id in source.paper_ids]
    if settings.arxiv_api_url:
        with session_scope(factory) as session:
            lacking = lacking_metadata(session, seen)
            if lacking:
                report.sources.append(enrich(session, lacking, fetcher=fetcher,
                                             base_url=settings.arxiv_api_url))
    with session_scope(factory) as session:
        edition = build_edition(session, date)
        report.edition_size = len(edition.papers)
        to_summarize = [*seen, *(entry.paper_id for entry in edition.papers)]
    with session_scope(factory) as session:
        report.summaries = summarize_and_tag(
            session, to_summarize, summarizer, taxonomy, subscriber_languages(session),
            concurrency=settings.llm_concurrency, daily_budget_usd=settings.llm_daily_budget_usd)
    with session_scope(factory) as session:
        edition = build_edition(session, date)
        report.deliveries = deliver_due(session, settings, mailer, edition, now, holder)
        session.add(Run(started_at=started, finished_at=utcnow(), report=report.as_dict()))
    return report
