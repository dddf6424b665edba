"""What ingest means for editions: arXiv revisions are never announced as news, and a paper seen
again on a later day (new version, its DOI, its title) is not new again."""

import datetime as dt

import pytest

from newsletter.editions.build import build_edition
from newsletter.ingest import papers
from newsletter.ingest.source import ingest_source
from newsletter.models import Paper, utcnow
from newsletter.sources import SourceSpec
from newsletter.sources.records import PaperRecord
from tests.support.cast import Cast
from tests.support.recorded import SOURCES

# Two entries: 2611.14233 (new) and 2611.01876v2 (replace-cross, with a DOI and journal ref).
LISTING = SourceSpec("arxiv", (SOURCES / "arxiv_atom_listing.xml").as_uri())
MONDAY, TUESDAY = dt.date(2026, 11, 23), dt.date(2026, 11, 24)


@pytest.fixture
def days():
    """`now` for Monday's edition and for Tuesday's, a day later."""
    monday = utcnow()
    return {MONDAY: monday, TUESDAY: monday + dt.timedelta(days=1)}


def edition_ids(session, date, days) -> list[str]:
    return [entry.paper_id for entry in build_edition(session, date, now=days[date]).papers]


def conformal_v1(**changes) -> PaperRecord:
    """Version 1 of the paper the listing revises."""
    return Cast.record(1876, **{"version": 1, "title": "Minimax Rates for Conformal Prediction",
                                "abstract": "Version one.", "announce_type": "new", **changes})


def test_a_replace_item_for_a_paper_we_never_had_is_stored_as_not_news(session):
    report = ingest_source(session, LISTING)
    assert (report.new, report.revisions, report.paper_ids) == (1, 1, ["2611.14233"])
    assert session.get(Paper, "2611.01876").announce is False


def test_a_replace_item_for_a_paper_we_never_had_is_not_in_the_edition(session, days):
    ingest_source(session, LISTING)
    assert edition_ids(session, MONDAY, days) == ["2611.14233"]


def test_a_replace_item_updates_the_paper_and_does_not_announce_it_again(cast, session, days):
    cast.store(conformal_v1(), kind="arxiv", url=LISTING.url)
    assert edition_ids(session, MONDAY, days) == ["2611.01876"]
    report = ingest_source(session, LISTING)
    paper = session.get(Paper, "2611.01876")
    assert (report.new, report.merged, report.revisions) == (1, 1, 0)
    assert paper.version == 2 and paper.title.startswith("Minimax Rates for Conformal Prediction ")
    assert (paper.doi, paper.journal_ref) == ("10.1214/26-aos2481", "Annals of Statistics 54(6), 2026")
    assert edition_ids(session, TUESDAY, days) == ["2611.14233"]


def test_a_new_version_from_another_source_on_a_later_day_is_not_new_again(cast, session, days):
    cast.store(conformal_v1(), kind="arxiv", url=LISTING.url)
    assert edition_ids(session, MONDAY, days) == ["2611.01876"]
    v3 = conformal_v1(version=3, abstract="Version three.", announce_type=None)
    outcome, paper = cast.store(v3, kind="arxiv-api", url="https://api")
    assert (outcome, paper.abstract) == (papers.MERGED, "Version three.")
    assert edition_ids(session, TUESDAY, days) == []


def test_the_journal_version_found_by_doi_on_a_later_day_is_not_new_again(cast, session, days):
    cast.store(conformal_v1(doi="10.1214/26-AOS2481"), kind="arxiv", url="a")
    assert edition_ids(session, MONDAY, days) == ["2611.01876"]
    journal = PaperRecord(external_id="https://journal.example/aos2481", title="A different "
                          "title the journal chose", doi="https://doi.org/10.1214/26-aos2481")
    outcome, paper = cast.store(journal, kind="feed", url="b")
    assert (outcome, paper.id) == (papers.MERGED, "2611.01876")
    assert edition_ids(session, TUESDAY, days) == []


def test_a_lab_post_found_by_title_on_a_later_day_is_not_new_again(cast, session, days):
    cast.store(conformal_v1(), kind="arxiv", url="a")
    assert edition_ids(session, MONDAY, days) == ["2611.01876"]
    post = PaperRecord(external_id="tag:lab.example,2026:42",
                       title="  MINIMAX rates for conformal prediction!  ")
    outcome, paper = cast.store(post, kind="feed", url="b")
    assert (outcome, paper.id) == (papers.MERGED, "2611.01876")
    assert edition_ids(session, TUESDAY, days) == []
