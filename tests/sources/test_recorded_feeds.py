"""The parsers on recorded copies of real feeds (tests/fixtures/sources/README.md says where
each came from): what real servers send, not what the specification says they should."""

import datetime as dt

from newsletter.sources import arxiv, feed, hf
from tests.support.recorded import recorded


def test_an_rss_item_whose_author_holds_a_title_keeps_its_own_title():
    titles = [record.title for record in feed.parse(recorded("google_cloud_blog.rss"))]
    assert titles == [
        "Want to keep your employees productive? Pay attention to shadow IT clues",
        "Last month today: August on GCP",
        "Beyond the Map: Solving problems and powering location-based services with imagery",
        "Ruby support comes to App Engine standard environment",
    ]


def test_the_author_of_a_google_blog_item_is_the_name_not_the_job_title():
    authors = [record.authors for record in feed.parse(recorded("google_cloud_blog.rss"))]
    assert authors[2] == ["Ethan Russell"]


def test_arxiv_creators_with_tex_escapes_are_spelled_in_unicode():
    first, second = arxiv.parse(recorded("arxiv_tex_authors.xml"))
    assert first.authors == ["Jakob Günther", "Marcin Płodzień", "Søren Hauberg", "Antonio Acín"]
    assert second.authors == ["Jakob Günther", "Hsin-Yuan Huang"]


def test_names_without_tex_are_left_as_they_are():
    assert arxiv.split_authors("Ana 100% Lee, B. O'Neil and C. Wu") == [
        "Ana 100% Lee", "B. O'Neil", "C. Wu"]


def test_hugging_face_publication_is_the_arxiv_date_and_submission_the_daily_day():
    records = hf.parse(recorded("hf_daily_papers_2026-08-20.json"))
    first = records[0]
    assert first.arxiv_id == "2608.16590"
    assert first.published == dt.datetime(2026, 8, 17, tzinfo=dt.UTC)
    assert {record.signals["submitted_at"] for record in records} == {"2026-08-20T00:00:00+00:00"}
    assert (first.signals["upvotes"], first.signals["comments"]) == (92, 1)


def test_hugging_face_gives_its_one_line_summary_and_keywords():
    first = hf.parse(recorded("hf_daily_papers_2026-08-20.json"))[0]
    assert first.ai_summary.startswith("Zetta is a closed-loop embodied harness")
    assert first.ai_keywords[:2] == ["closed-loop embodied harness", "code-based runtime critics"]
