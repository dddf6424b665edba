"""ingest_source end to end against a real local HTTP server: bad bodies and silent servers give a
clear per-source error and store nothing, the next source proceeds, a 304 costs one request."""

from concurrent.futures import ThreadPoolExecutor
from functools import partial
from threading import Barrier

import pytest
from sqlalchemy.orm import Session

from newsletter.db import make_engine
from newsletter.ingest import papers
from newsletter.ingest.source import SourceReport, describe, ingest_source
from newsletter.models import Paper, Source, SourceRun
from newsletter.sources import SourceSpec, read
from newsletter.sources.fetch import FetchResult
from tests.stubs.feeds import Answer
from tests.support.fetching import quick_fetch
from tests.support.recorded import recorded, sample, sample_uri

GOOD = SourceSpec("arxiv", sample_uri("arxiv_cs.xml"))


def ingest_bad_then_good(session, spec, fetcher):
    """Ingest `spec`, then a good source, as the daily run does; return both reports."""
    return ingest_source(session, spec, fetcher=fetcher), ingest_source(session, GOOD)


def assert_stored_nothing_from(session, spec, report, good):
    stored = session.query(Paper).all()
    assert len(stored) == good.new + good.revisions and good.new > 0 and good.error is None
    assert {source.source_url for paper in stored for source in paper.sources} == {GOOD.url}
    row = session.query(Source).filter_by(kind=spec.kind, url=spec.url).one()
    assert row.last_error == report.error and row.last_success_at is None
    [run] = session.query(SourceRun).filter_by(source_id=row.id).all()
    assert run.failed and run.error == report.error and run.new == 0


@pytest.mark.parametrize(
    ("kind", "body", "reason"),
    [
        ("arxiv", recorded("arxiv_truncated.xml"), "malformed or truncated XML"),
        ("feed", recorded("html_error_page.html"), "an HTML page, not a feed"),
        ("hf", recorded("hf_error.json"), "Daily Papers answered an error"),
        ("arxiv", recorded("latin1_declared_utf8.xml"), "character encoding"),
    ],
    ids=["truncated-xml", "html-error-page", "json-error-object", "wrong-encoding"],
)
def test_a_bad_body_is_a_clear_error_and_the_next_source_proceeds(
    session, stand_in, kind, body, reason
):
    spec = SourceSpec(kind, stand_in.serve("/bad", Answer(body)))
    bad, good = ingest_bad_then_good(session, spec, quick_fetch())
    assert bad.error.startswith("ParseError") and reason in bad.error
    assert_stored_nothing_from(session, spec, bad, good)


def test_a_body_over_the_size_limit_is_abandoned(session, stand_in):
    spec = SourceSpec("arxiv", stand_in.serve("/huge", Answer(sample("arxiv_cs.xml"))))
    bad, good = ingest_bad_then_good(session, spec, quick_fetch(max_bytes=1000))
    assert "FetchError" in bad.error and "over the limit of 1000" in bad.error
    assert_stored_nothing_from(session, spec, bad, good)


def test_a_server_that_never_answers_times_out(session, stand_in):
    spec = SourceSpec("feed", stand_in.silent("/silent"))
    bad, good = ingest_bad_then_good(session, spec, partial(quick_fetch(), timeout=0.3))
    assert "FetchError" in bad.error and "timed out" in bad.error
    assert_stored_nothing_from(session, spec, bad, good)


def test_a_store_that_fails_halfway_leaves_nothing_and_keeps_no_etag(
    session, stand_in, monkeypatch
):
    spec = SourceSpec("arxiv", stand_in.serve("/feed", Answer(sample("arxiv_cs.xml"), etag='"1"')))
    real_upsert, calls = papers._upsert, []

    def upsert_then_break(*args, **kwargs):  # the third paper of the listing breaks the store
        calls.append(1)
        if len(calls) == 3:
            raise RuntimeError("disk full")
        return real_upsert(*args, **kwargs)

    monkeypatch.setattr(papers, "_upsert", upsert_then_break)
    bad, good = ingest_bad_then_good(session, spec, quick_fetch())
    assert bad.error == "RuntimeError: disk full" and bad.paper_ids == []
    assert_stored_nothing_from(session, spec, bad, good)
    # Keeping the ETag of a body we did not store would turn the next run into a 304.
    assert session.query(Source).filter_by(url=spec.url).one().etag is None


def test_an_unchanged_feed_costs_one_request_and_no_parsing(session, stand_in, monkeypatch):
    spec = SourceSpec("arxiv", stand_in.serve("/feed", Answer(sample("arxiv_cs.xml"), etag='"7"')))
    first = ingest_source(session, spec, fetcher=quick_fetch())
    parsed = []
    monkeypatch.setattr(read, "parse", lambda *args: parsed.append(args) or [])
    second = ingest_source(session, spec, fetcher=quick_fetch())
    assert first.new > 0 and not first.not_modified
    assert second.not_modified and second.error is None and second.fetched == 0
    assert stand_in.requests_to("/feed") == 2 and parsed == []
    runs = session.query(SourceRun).order_by(SourceRun.id).all()
    assert [run.not_modified for run in runs] == [False, True]


def test_a_weekend_listing_without_items_is_a_success(session, stand_in):
    spec = SourceSpec("arxiv", stand_in.serve("/sat", Answer(recorded("arxiv_weekend_empty.xml"))))
    report = ingest_source(session, spec, fetcher=quick_fetch())
    assert (report.error, report.fetched) == (None, 0)
    assert session.query(Source).filter_by(url=spec.url).one().last_success_at is not None


def test_a_blog_feeds_adverts_events_and_calls_are_counted_not_stored(session, stand_in):
    spec = SourceSpec("feed", stand_in.serve("/news", Answer(recorded("lab_blog_mixed.atom"))))
    report = ingest_source(session, spec, fetcher=quick_fetch())
    assert (report.fetched, report.not_papers, report.new) == (11, 6, 5)
    titles = {paper.title for paper in session.query(Paper)}
    assert "Summer 2027 PhD internships in robot learning" not in titles
    assert "Position: benchmark results need error bars" in titles
    [run] = session.query(SourceRun).all()
    assert run.not_papers == 6
    assert describe(run).endswith(", 6 posts skipped: not papers")
    assert SourceReport.from_dict(report.as_dict()).not_papers == 6


def test_an_arxiv_listing_is_never_filtered_as_posts(session):
    report = ingest_source(session, GOOD)
    assert report.not_papers == 0 and "skipped" not in describe(report)


def test_two_runs_storing_a_new_source_at_once_share_its_row(stored_url):
    """Two processes ingest the same source, new to the database, and store what they read at
    the same moment (a scheduled ingest and a run on a fresh PostgreSQL): its row is upserted,
    so neither dies on the unique (kind, url) and both runs are recorded."""
    engine, together = make_engine(stored_url), Barrier(2, timeout=30)
    spec = SourceSpec("arxiv", "https://rss.arxiv.org/rss/cs.LG")

    def read_together(url, **_options) -> FetchResult:
        together.wait()  # both have looked for the row and found none; both store now
        return FetchResult(url, 200, sample("arxiv_cs.xml"))

    def ingest() -> SourceReport:
        with Session(engine) as session:
            report = ingest_source(session, spec, fetcher=read_together)
            session.commit()
            return report

    try:
        with ThreadPoolExecutor(2) as pool:
            reports = [future.result() for future in [pool.submit(ingest) for _ in range(2)]]
        assert [report.error for report in reports] == [None, None]
        with Session(engine) as session:
            [row] = session.query(Source).filter_by(kind=spec.kind, url=spec.url).all()
            assert session.query(SourceRun).filter_by(source_id=row.id).count() == 2
    finally:
        engine.dispose()
