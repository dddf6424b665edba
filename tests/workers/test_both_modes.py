"""Both modes run the same steps of a day and write the same report: one day run in-process on
SQLite, the same day run by a real worker process on PostgreSQL, from the same data (the sample
lab feed, whose posts name arXiv papers, an arXiv export API stand-in for the enrichment, three
readers due, one whose hour has not come, and a sign-up left unconfirmed for a week).

One source: with several, the order they are stored in decides which one counts a paper as new
and which as merged, and in-process that is the order the downloads end."""

import datetime as dt

import pytest
from sqlalchemy import select, update

from newsletter import day
from newsletter.db import session_scope
from newsletter.models import Delivery, Subscriber
from newsletter.runs import records
from newsletter.runs.report import RunReport
from newsletter.sources import SourceSpec
from tests.stubs.feeds import Answer
from tests.support.cast import Cast
from tests.support.cluster import wait_for_the_end
from tests.support.databases import services_with
from tests.support.recorded import recorded, sample_uri

pytestmark = [pytest.mark.redis, pytest.mark.postgres]
TODAY = dt.date.today()
NOON = dt.datetime.combine(TODAY, dt.time(12))
SOURCES = [SourceSpec("feed", sample_uri("lab_blog.xml"))]


def prepare(services) -> None:
    """The same readers in either database."""
    with session_scope(services.factory) as session:
        cast = Cast(session, services)
        cast.readers(3, prefix="due", delivery_hour=0, timezone="UTC",
                     confirmed_at=NOON - dt.timedelta(days=1))
        cast.reader("later@example.org", [], delivery_hour=23, timezone="UTC")
        cast.reader("never@example.org", [], confirmed=False)
        session.execute(update(Subscriber).where(Subscriber.email == "never@example.org")
                        .values(updated_at=NOON - dt.timedelta(days=8)))


def papers_by_address(services) -> dict[str, list[str]]:
    with session_scope(services.factory) as session:
        rows = session.execute(select(Subscriber.email, Delivery).join(
            Delivery, Delivery.subscriber_id == Subscriber.id).where(Delivery.status == "sent"))
        return {email: delivery.paper_ids for email, delivery in rows}


def test_both_modes_run_the_same_steps_and_write_the_same_report(
        services, cluster_services, cluster, stand_in):
    api = stand_in.serve("/api/query", lambda query: Answer(recorded("arxiv_api_query.xml")))
    local = services_with(services, arxiv_api_url=api)
    workers = services_with(cluster_services, arxiv_api_url=api)
    for each in (local, workers):
        prepare(each)

    in_process = day.run_daily(local, SOURCES, day.Day(TODAY, NOON))
    cluster.start(NEWSLETTER_ARXIV_API_URL=api)
    run_id = records.start_pipeline(workers.factory, workers.settings, SOURCES, TODAY, NOON)
    by_workers = RunReport.from_dict(wait_for_the_end(workers, run_id).report)

    assert in_process.steps == by_workers.steps == list(day.STEPS)
    assert in_process.outcomes() == by_workers.outcomes()
    assert in_process.housekeeping["purged"] == 1 and in_process.deliveries["not_due"] == 1
    assert in_process.enrichment.kind == "arxiv-api" and in_process.deliveries["sent"] == 3
    assert papers_by_address(local) == papers_by_address(workers)
