"""The steps of a day, named once. `run_daily` calls them in order, in-process, each in a
transaction of its own; the Celery tasks in workers/ chain the very same functions, one task per
step (ingest, summarize and deliver fan out: one task per source, per summary share and per
delivery share). Both modes write the same RunReport (newsletter.run_report).

    housekeeping -> ingest -> enrich -> edition -> summarize -> plan -> deliver -> report
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Sequence

from sqlalchemy.orm import Session

from newsletter.config import Settings
from newsletter.db import session_scope
from newsletter.delivery import ledger
from newsletter.delivery.plan import Day, DeliveryPlan, Share, plan_delivery
from newsletter.delivery.rendering import RenderCache
from newsletter.delivery.send import deliver_edition
from newsletter.editions.build import build_edition
from newsletter.ingest.arxiv_export import enrich as enrich_from_arxiv
from newsletter.ingest.arxiv_export import lacking_metadata
from newsletter.ingest.source import SourceReport, ingest_all, ingest_source
from newsletter.models import Edition, Run, utcnow
from newsletter.runs import records
from newsletter.runs.report import RunReport
from newsletter.search import index as search_index
from newsletter.services import Services
from newsletter.sources import SourceSpec
from newsletter.sources.fetch import fetch
from newsletter.sources.read import Fetcher
from newsletter.stats.subscribers import record_counts
from newsletter.subscribers.signup import purge_unconfirmed
from newsletter.summarize.summaries import (
    SummaryReport,
    papers_by_id,
    summarize_and_tag,
    summary_languages,
)

STEPS = ("housekeeping", "ingest", "enrich", "edition", "summarize", "plan", "deliver", "report")


def housekeeping(session: Session) -> Counter:
    """Purge the sign-ups never confirmed, and close the ledger rows of editions no run delivers
    any more (ledger.close_abandoned); count both: purged, released, unknown. Then count the
    subscribers by status for the operator's history (newsletter.stats)."""
    purged = purge_unconfirmed(session)
    released, unknown = ledger.close_abandoned(session)
    record_counts(session)
    return Counter(purged=purged, released=released, unknown=unknown)


def ingest(session: Session, spec: SourceSpec, day: Day, settings: Settings, *,
           fetcher: Fetcher = fetch) -> SourceReport:
    """One source: fetch, parse, store (a worker task does one)."""
    return ingest_source(session, spec, fetcher=fetcher, date=day.date,
                         deadline=settings.fetch_deadline)


def ingest_sources(services: Services, specs: Sequence[SourceSpec], day: Day, *,
                   fetcher: Fetcher = fetch) -> list[SourceReport]:
    """Every source, read a few at a time, each stored in a transaction of its own (in-process)."""
    return ingest_all(services.factory, specs, fetcher=fetcher, date=day.date,
                      deadline=services.settings.fetch_deadline)


def enrich(session: Session, settings: Settings, paper_ids: Sequence[str], *,
           fetcher: Fetcher = fetch) -> SourceReport | None:
    """Ask arXiv's export API about the papers among `paper_ids` that no arXiv source described,
    within NEWSLETTER_FETCH_DEADLINE like a source; None when NEWSLETTER_ARXIV_API_URL is empty
    or none lacks metadata."""
    if not settings.arxiv_api_url:
        return None
    lacking = lacking_metadata(session, paper_ids)
    if not lacking:
        return None
    return enrich_from_arxiv(session, lacking, fetcher=fetcher, base_url=settings.arxiv_api_url,
                             deadline=settings.fetch_deadline)


def edition(session: Session, day: Day) -> Edition:
    """The day's edition, built once (digests.build_edition)."""
    return build_edition(session, day.date)


def to_summarize(ingested_ids: Sequence[str], built: Edition | None) -> list[str]:
    """The papers to summarize and tag: the ones just ingested, then the edition's, each once."""
    edition_ids = [entry.paper_id for entry in built.papers] if built is not None else []
    return list(dict.fromkeys([*ingested_ids, *edition_ids]))


def summary_shares(paper_ids: Sequence[str], parts: int) -> list[list[str]]:
    """`paper_ids` in at most `parts` consecutive shares of nearly equal size, none empty."""
    size = -(-len(paper_ids) // max(parts, 1))
    return [list(paper_ids[start:start + size]) for start in range(0, len(paper_ids), size or 1)]


def summarize(session: Session, services: Services, paper_ids: Sequence[str],
              languages: Sequence[str], *, concurrency: int = 1) -> SummaryReport:
    """Summarize and tag these papers within the daily budget, and let search find them by
    their summaries. The summarizer is built only when there is a paper: a day with nothing new
    never imports litellm."""
    if not paper_ids:
        return SummaryReport()
    report = summarize_and_tag(session, list(paper_ids), services.summarizer, services.taxonomy,
                               list(languages), concurrency=concurrency,
                               daily_budget_usd=services.settings.llm_daily_budget_usd)
    search_index.refresh(session, papers_by_id(session, list(paper_ids)))
    return report


def plan(session: Session, day: Day, share_size: int | None, parts: int = 1) -> DeliveryPlan:
    """Who gets what today (delivery.plan.plan_delivery): in shares of `share_size` ids, or
    else in about `parts` equal shares (1: one share per edition)."""
    return plan_delivery(session, day, share_size, parts)


def deliver(session: Session, services: Services, share: Share, now: dt.datetime | None, *,
            holder: str | None = None, renderings: RenderCache | None = None) -> Counter:
    """Deliver one share of the plan to the readers due at `now` (deliver_edition over the
    share's range of ids)."""
    return deliver_edition(session, services.settings, services.mailer,
                           session.get(Edition, share.edition_id), share.first_id, share.last_id,
                           now=now, renderings=renderings, holder=holder)


def store_report(session: Session, run_id: int | None, report: RunReport) -> RunReport:
    """Count the editions' ledger rows into the report and store it: a new runs row in-process
    (`run_id` None, started at `started_at`), the worker run's row otherwise."""
    report.record_ledger(ledger.counts_by_status(session, report.edition_ids))
    if run_id is None:
        session.add(Run(started_at=report.started_at or utcnow(), finished_at=utcnow(),
                        report=report.as_dict()))
    else:
        records.save_report(session, run_id, report)
    return report


def run_daily(services: Services, specs: Sequence[SourceSpec], day: Day, *,
              fetcher: Fetcher = fetch, holder: str | None = None) -> RunReport:
    """Every step of the day in this process; a failing source is reported and the rest goes
    on. `holder`: the lease owner the delivery rows are held under (newsletter.leases). Each
    step commits on its own, so no write transaction stays open across a download or a model
    call (on SQLite it would lock the database meanwhile)."""
    report = RunReport(day.date, started_at=utcnow())
    with session_scope(services.factory) as session:
        report.record_housekeeping(housekeeping(session))
    report.record_sources(ingest_sources(services, specs, day, fetcher=fetcher))
    with session_scope(services.factory) as session:
        report.record_enrichment(enrich(session, services.settings, report.ingested_ids,
                                        fetcher=fetcher))
    with session_scope(services.factory) as session:
        built = edition(session, day)
        report.record_edition(len(built.papers))
        todo, languages = to_summarize(report.ingested_ids, built), summary_languages(
            session, services.settings.llm_model)
    with session_scope(services.factory) as session:
        report.record_summaries(summarize(session, services, todo, languages,
                                          concurrency=services.settings.llm_concurrency))
    with session_scope(services.factory) as session:
        delivery_plan = plan(session, day, share_size=None)
        report.record_plan(delivery_plan)
    delivered = Counter()
    for share in delivery_plan.shares:
        with session_scope(services.factory) as session:
            delivered.update(deliver(session, services, share, day.now, holder=holder))
    report.record_deliveries(delivered)
    with session_scope(services.factory) as session:
        return store_report(session, None, report)
