"""The web archive: every edition, one edition grouped by topic with summaries, a topic."""

import datetime as dt

import pytest

from newsletter.config import OFFLINE_MODEL
from newsletter.llm.prompt import PROMPT_VERSION
from newsletter.models import Edition, EditionPaper, Paper, PaperTopic, Summary
from newsletter.summaries import paper_hash

DAY = dt.date(2026, 11, 23)


def add_paper(session, number: int, topic: str) -> Paper:
    paper = Paper(id=f"2611.{number:05d}", title=f"Paper number {number}", title_key=f"p{number}",
                  abstract=f"Abstract {number}.", links={"abstract": f"https://arxiv.org/abs/{number}"})
    paper.topics = [PaperTopic(topic=topic, rank=0)]
    session.add(paper)
    session.flush()
    session.add(Summary(content_hash=paper_hash(paper), requested_model=OFFLINE_MODEL,
                        model=OFFLINE_MODEL, prompt_version=PROMPT_VERSION, language="en",
                        fields={"tldr": f"What paper {number} found.", "highlights": []}))
    return paper


@pytest.fixture
def edition(session):
    papers = [add_paper(session, 1, "Robotics"), add_paper(session, 2, "Computer Vision"),
              add_paper(session, 3, "Robotics")]
    session.add(Edition(date=DAY, papers=[EditionPaper(paper=p, rank=r)
                                          for r, p in enumerate(papers)]))
    session.commit()


def test_the_archive_lists_every_edition(site, edition):
    page = site.get("/editions").text
    assert 'href="/editions/2026-11-23"' in page and "3 papers" in page


def test_an_edition_groups_its_papers_by_topic_with_their_summaries(site, edition):
    page = site.get("/editions/2026-11-23").text
    assert page.index('id="robotics"') < page.index("Paper number 3") < page.index(
        'id="computer-vision"')
    assert "What paper 2 found." in page
    assert 'href="/topics/' in page


def test_a_topic_page_lists_its_recent_papers(site, services, edition):
    slug = services.taxonomy.by_name("Robotics").slug
    page = site.get(f"/topics/{slug}").text
    assert "Paper number 1" in page and "Paper number 3" in page
    assert "Paper number 2" not in page


def test_the_landing_page_shows_a_sample_of_the_latest_edition(site, edition):
    assert "What paper 1 found." in site.get("/").text


def test_a_day_without_an_edition_is_a_404_page(site, edition):
    response = site.get("/editions/2026-11-24")
    assert response.status_code == 404 and "<h1>" in response.text


def test_a_malformed_date_is_a_4xx_page(site):
    assert site.get("/editions/yesterday").status_code == 422
