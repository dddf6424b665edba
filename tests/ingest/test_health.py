"""Source health: every ingest leaves a source_runs row, and `newsletter sources` shows each
source's last success, last error and last run."""

from newsletter.ingest.source import ingest_source, source_health
from newsletter.models import Run, SourceRun
from newsletter.sources import SourceSpec
from tests.support.cli import invoke
from tests.support.recorded import sample_uri

LISTING = SourceSpec("arxiv", sample_uri("arxiv_cs.xml"))
MISSING = SourceSpec("feed", "file:///nowhere/lab.xml")


def test_every_ingest_records_a_run_with_its_counts(session):
    ingest_source(session, LISTING)
    ingest_source(session, LISTING)  # a file has no ETag: read again, every paper known
    first, second = session.query(SourceRun).order_by(SourceRun.id).all()
    # The sample's two `replace` items revise papers we never had: stored once, not as news.
    assert (first.fetched, first.new, first.unchanged, first.revisions) == (30, 28, 0, 2)
    assert (second.fetched, second.new, second.unchanged, second.revisions) == (30, 0, 30, 0)
    assert not first.failed and not second.failed


def test_a_failed_ingest_records_the_error_and_keeps_the_last_success(session):
    ingest_source(session, LISTING)
    broken = SourceSpec("arxiv", LISTING.url.replace("arxiv_cs.xml", "gone.xml"))
    ingest_source(session, broken)
    [good, bad] = source_health(session, [LISTING, broken])
    assert good.row.last_success_at is not None and good.row.last_error is None
    assert bad.row.last_success_at is None and "cannot read" in bad.row.last_error
    assert bad.last_run.failed and bad.last_run.error == bad.row.last_error


def test_health_lists_the_configured_sources_first_then_the_others_known(session):
    backfilled = SourceSpec("arxiv-api", "https://export.arxiv.org/api/query?search_query=x")
    ingest_source(session, MISSING)
    ingest_source(session, LISTING)
    health = source_health(session, [LISTING, backfilled])
    assert [(h.kind, h.url) for h in health] == [
        (LISTING.kind, LISTING.url), (backfilled.kind, backfilled.url), (MISSING.kind, MISSING.url)
    ]
    assert health[1].lines()[1:] == ["  last success: never", "  last error:   none",
                                     "  last run:     never run"]
    assert "30 fetched, 28 new, 0 merged, 0 unchanged, 2 revisions not news" in health[0].lines()[3]
    assert "FAILED: FetchError" in health[2].lines()[3]


def test_the_sources_command_shows_last_success_last_error_and_counts(cli_env, monkeypatch):
    monkeypatch.setenv("NEWSLETTER_SOURCES", f"{LISTING},{MISSING}")
    assert invoke("run", "--date", "2026-11-23").exit_code == 1  # one source failed
    output = invoke("sources").stdout
    listing, missing = output.split(f"{MISSING}\n")
    assert listing.startswith(f"{LISTING}\n  last success: 20")
    assert "last error:   none" in listing and "30 fetched, 28 new" in listing
    assert "last success: never" in missing and "cannot read" in missing
    assert "FAILED: FetchError" in missing


def test_the_run_report_carries_each_sources_counts_and_error(cli_env, monkeypatch):
    monkeypatch.setenv("NEWSLETTER_SOURCES", f"{LISTING},{MISSING}")
    result = invoke("run", "--date", "2026-11-23")
    assert f"source arxiv {LISTING.url}: 30 fetched, 28 new" in result.output
    assert f"source feed {MISSING.url}: FAILED: FetchError" in result.output
    from newsletter.config import load_settings
    from newsletter.services import Services

    with Services(load_settings()).factory() as session:
        listing, missing = session.query(Run).one().report["sources"]
    assert (listing["new"], listing["failed"], missing["failed"]) == (28, False, True)
    assert "cannot read" in missing["error"]
