"""Paged sources against local stand-ins: the Daily Papers API for a date, an arXiv API backfill
of a date range (one request every 3 s), and enrichment of papers named only by arXiv id."""

import datetime as dt
from functools import partial
from urllib.parse import parse_qs, urlsplit

from newsletter.editions.build import build_edition
from newsletter.editions.trending import signals_of
from newsletter.ingest.arxiv_export import backfill, enrich, lacking_metadata
from newsletter.ingest.source import ingest_source
from newsletter.models import Paper
from newsletter.sources import SourceSpec
from newsletter.sources.fetch import HostPacer, fetch
from newsletter.sources.records import PaperRecord
from tests.stubs.feeds import Answer
from tests.support.cast import Cast, arxiv_id
from tests.support.cli import invoke
from tests.support.clock import FakeClock
from tests.support.fetching import NO_WAIT
from tests.support.recorded import recorded

MONDAY = dt.date(2026, 11, 23)


def queries(stand_in, path):
    return [parse_qs(urlsplit(r).query) for r in stand_in.requests if r.startswith(path)]


def two_pages(query: dict) -> Answer:
    """Page 0: 100 items; page 1: the last 3, and one that moved down from page 0."""
    numbers = range(100) if query["p"] == "0" else [99, 100, 101, 102]
    return Answer(json_bytes([Cast.hf_item(n) for n in numbers]))


def json_bytes(value) -> bytes:
    import json

    return json.dumps(value).encode()


def test_daily_papers_are_read_page_by_page_for_the_runs_date(session, stand_in):
    spec = SourceSpec("hf", stand_in.serve("/api/daily_papers", two_pages))
    report = ingest_source(session, spec, fetcher=NO_WAIT, date=MONDAY)
    assert (report.error, report.fetched, report.new) == (None, 103, 103)
    asked = queries(stand_in, "/api/daily_papers")
    assert [(q["p"], q["date"], q["limit"]) for q in asked] == [
        (["0"], ["2026-11-23"], ["100"]), (["1"], ["2026-11-23"], ["100"])]
    assert signals_of(session.get(Paper, "2611.00099")).upvotes == 99


def test_a_date_in_the_configured_url_wins_over_the_runs(session, stand_in):
    url = stand_in.serve("/api/daily_papers", lambda query: Answer(json_bytes([Cast.hf_item(1)])))
    ingest_source(session, SourceSpec("hf", f"{url}?date=2026-11-20"), fetcher=NO_WAIT,
                  date=MONDAY)
    assert [q["date"] for q in queries(stand_in, "/api/daily_papers")] == [["2026-11-20"]]


def test_a_bad_second_page_stores_nothing_from_the_first(session, stand_in):
    def second_page_fails(query):
        return two_pages(query) if query["p"] == "0" else Answer(recorded("hf_error.json"))

    spec = SourceSpec("hf", stand_in.serve("/api/daily_papers", second_page_fails))
    report = ingest_source(session, spec, fetcher=NO_WAIT, date=MONDAY)
    assert "Daily Papers answered an error" in report.error
    assert session.query(Paper).count() == 0


def arxiv_pages(query: dict) -> Answer:
    """The recorded export API pages of a query for two results a page: 2, then the last 1."""
    name = "arxiv_api_query.xml" if query["start"] == "0" else "arxiv_api_last_page.xml"
    return Answer(recorded(name))


def test_a_backfill_reads_every_page_three_seconds_apart(session, stand_in):
    clock = FakeClock()
    pacer = HostPacer(0.0, {"127.0.0.1": 3.0}, clock=clock, sleep=clock.sleep)
    api = stand_in.serve("/api/query", arxiv_pages)
    report = backfill(session, ["cs.LG", "stat.ML"], dt.date(2026, 11, 1), dt.date(2026, 11, 7),
                      fetcher=partial(fetch, pacer=pacer, retries=0), base_url=api, page_size=2)
    assert (report.error, report.new) == (None, 3)
    assert clock.sleeps == [3.0]  # two requests, one pause between them
    asked = queries(stand_in, "/api/query")
    assert [q["start"] for q in asked] == [["0"], ["2"]]
    assert asked[0]["search_query"] == [
        "(cat:cs.LG OR cat:stat.ML) AND submittedDate:[202611010000 TO 202611072359]"]


def test_backfilled_papers_fill_the_archive_not_todays_edition(session, stand_in):
    api = stand_in.serve("/api/query", arxiv_pages)
    backfill(session, ["cs.LG"], dt.date(2026, 11, 1), dt.date(2026, 11, 7), fetcher=NO_WAIT,
             base_url=api, page_size=2)
    assert session.get(Paper, "2611.02290").first_seen_at == dt.datetime(2026, 11, 5, 12)
    assert build_edition(session, dt.date.today()).papers == []


def test_the_backfill_command_reports_what_it_stored(cli_env, stand_in):
    api = stand_in.serve("/api/query", lambda query: Answer(recorded("arxiv_api_query.xml")))
    result = invoke("backfill", "--from", "2026-11-01", "--to", "2026-11-07",
                    "--category", "cs.LG+cs.AI", "--api-url", api)
    assert result.exit_code == 0, result.output
    assert "backfill cs.LG cs.AI 2026-11-01..2026-11-07: 2 fetched, 2 new" in result.output
    assert "FAILED" not in invoke("sources").output


def blog_post(number: int, title: str) -> PaperRecord:
    """A lab's post about paper `number`, naming its arXiv id."""
    return Cast.record(number, title=title, abstract="Our lab's post about the paper.",
                       authors=["Lab Comms Team"],
                       links={"html": f"https://lab.example/{arxiv_id(number)}"})


def test_papers_a_lab_names_by_arxiv_id_get_arxivs_metadata(cast, session, stand_in):
    for number in (412, 1876):
        cast.store(blog_post(number, "Big news from the lab"), kind="feed",
                   url="https://lab.example/feed")
    missing = lacking_metadata(session, ["2611.00412", "2611.01876", "web:abc"])
    api = stand_in.serve("/api/query", lambda query: Answer(recorded("arxiv_api_query.xml")))
    report = enrich(session, missing, fetcher=NO_WAIT, base_url=api)
    assert (missing, report.error, report.merged) == (["2611.00412", "2611.01876"], None, 2)
    assert queries(stand_in, "/api/query")[0]["id_list"] == ["2611.00412,2611.01876"]
    paper = session.get(Paper, "2611.01876")
    assert paper.title == "Minimax Rates for Conformal Prediction Under Covariate Shift"
    assert paper.authors == ["Claire Dupont", "Henrik Nilsson"]
    assert paper.categories[0] == "math.ST" and paper.doi == "10.1214/26-aos2481"
    assert paper.links["html"] == "https://lab.example/2611.01876"  # the lab's post stays linked
    assert lacking_metadata(session, ["2611.00412", "2611.01876"]) == []


def test_enriching_nothing_asks_nothing(session, stand_in):
    report = enrich(session, [], fetcher=NO_WAIT, base_url=stand_in.url("/api/query"))
    assert (report.fetched, report.error, stand_in.requests) == (0, None, [])
