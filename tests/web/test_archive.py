"""The web archive: every edition, one edition grouped by topic with summaries, a topic."""

import pytest


@pytest.fixture
def edition(cast):
    """The edition of 23 Nov 2026: papers 1 and 3 on Robotics, 2 on Computer Vision, in that
    order, each with its summary."""
    for number, topic in ((1, "Robotics"), (2, "Computer Vision"), (3, "Robotics")):
        cast.paper(number, topics=[topic], upvotes=10 - number,
                   tldr=f"What paper {number} found.")
    cast.edition()
    cast.commit()


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
