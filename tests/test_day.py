"""The steps of a day, run in-process: each once and in order, the purge of sign-ups never
confirmed, the arXiv enrichment of papers a lab feed names only by arXiv id, and no summarizer
built on a day with nothing to summarize."""

import datetime as dt
import socket
from functools import partial

import pytest
from sqlalchemy import update

from newsletter import day
from newsletter.models import Paper, Subscriber
from newsletter.sources import SourceSpec
from newsletter.sources.fetch import HostPacer, fetch
from tests.stubs.feeds import Answer
from tests.support.cast import TODAY
from tests.support.databases import services_with
from tests.support.fetching import NO_WAIT
from tests.support.recorded import recorded, sample_uri

LAB = SourceSpec("feed", sample_uri("lab_blog.xml"))


def run(services, specs=(LAB,)):
    return day.run_daily(services, list(specs), day.Day(TODAY), fetcher=NO_WAIT)


def test_run_daily_runs_every_step_once_in_order(services):
    assert run(services).steps == list(day.STEPS)


def test_each_run_purges_sign_ups_left_unconfirmed(cast, services, session):
    cast.reader("late@example.org", [], confirmed=False)
    cast.reader("fresh@example.org", [], confirmed=False)
    session.execute(update(Subscriber).where(Subscriber.email == "late@example.org")
                    .values(updated_at=dt.datetime.now() - dt.timedelta(days=8)))
    cast.commit()
    report = run(services, specs=())
    assert report.housekeeping["purged"] == 1
    assert [s.email for s in session.query(Subscriber)] == ["fresh@example.org"]


def test_a_lab_post_about_an_arxiv_paper_gets_arxivs_metadata(services, session, stand_in):
    api = stand_in.serve("/api/query", lambda query: Answer(recorded("arxiv_api_query.xml")))
    report = run(services_with(services, arxiv_api_url=api))
    enrichment = report.enrichment
    assert (enrichment.kind, enrichment.error) == ("arxiv-api", None)
    paper = session.get(Paper, "2611.00412")
    assert paper.categories and "arxiv-api" in {s.source_kind for s in paper.sources}


def refused_url() -> str:
    """A URL on a loopback port nobody listens on: connecting is refused at once."""
    with socket.socket() as free:
        free.bind(("127.0.0.1", 0))
        port = free.getsockname()[1]
    return f"http://127.0.0.1:{port}/api/query"


@pytest.mark.parametrize("api", [refused_url(), "http://arxiv-enrichment.invalid/api/query"],
                         ids=["connection refused", "name does not resolve"])
def test_an_unreachable_enrichment_is_a_warning_given_up_at_the_first_attempt(services, api):
    waits = []
    retrying = partial(fetch, pacer=HostPacer(0.0), sleep=waits.append)  # the default retries
    report = day.run_daily(services_with(services, arxiv_api_url=api), [LAB], day.Day(TODAY),
                           fetcher=retrying)
    assert report.failures == [] and report.enrichment.error and "unreachable" in report.enrichment.error
    assert waits == []  # no retry
    [warning] = report.warnings
    assert "did not answer" in warning
    assert any(line.startswith("  warning: enrichment") for line in report.lines())
    assert report.edition_size > 0  # the day went on: the lab's papers are in the edition


def test_no_enrichment_when_the_setting_is_empty(services, stand_in):
    report = run(services)
    assert [s.kind for s in report.sources] == ["feed"]
    assert stand_in.requests == []


class NoSummarizer:
    """Services whose summarizer must not be built (it would import litellm)."""

    def __init__(self, services):
        self._services = services

    def __getattr__(self, name):
        assert name != "summarizer", "the summarizer was built with nothing to summarize"
        return getattr(self._services, name)


def test_nothing_to_summarize_builds_no_summarizer(services):
    report = day.run_daily(NoSummarizer(services), [], day.Day(TODAY))
    assert report.summaries.describe().startswith("0 made, 0 cached, 0 degraded")


def test_papers_are_summarized_in_at_most_the_llm_concurrency_shares():
    shares = day.summary_shares([str(n) for n in range(10)], 4)
    assert [len(share) for share in shares] == [3, 3, 3, 1]
    assert [item for share in shares for item in share] == [str(n) for n in range(10)]
    assert day.summary_shares(["1", "2"], 4) == [["1"], ["2"]]


def test_no_papers_make_no_shares():
    assert day.summary_shares([], 4) == []
