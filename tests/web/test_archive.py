"""The web archive: every edition, one edition grouped by topic with summaries, a topic day by
day, and friendly pages for the days and topics with nothing to show."""

import datetime as dt
import re

import pytest

from newsletter.editions.archive import TOPIC_PAGE_SIZE
from tests.support.cast import TODAY

YESTERDAY = TODAY - dt.timedelta(days=1)


@pytest.fixture
def edition(cast):
    """The edition of 23 Nov 2026: papers 1 and 3 on Robotics, 2 on Computer Vision, in that
    order, each with its summary."""
    for number, topic in ((1, "Robotics"), (2, "Computer Vision"), (3, "Robotics")):
        cast.paper(number, topics=[topic], upvotes=10 - number,
                   tldr=f"What paper {number} found.")
    cast.edition()
    cast.commit()


@pytest.fixture
def robotics(services) -> str:
    return services.taxonomy.by_name("Robotics").slug


def test_the_archive_lists_every_edition(site, edition):
    page = site.get("/editions").text
    assert 'href="/editions/2026-11-23"' in page and "3 papers" in page


def test_an_edition_groups_its_papers_by_topic_with_their_summaries(site, edition):
    page = site.get("/editions/2026-11-23").text
    assert page.index('id="robotics"') < page.index("Paper number 3") < page.index(
        'id="computer-vision"')
    assert "What paper 2 found." in page
    assert 'href="/topics/' in page


def test_each_card_shows_its_tldr_once_and_links_to_the_papers_page(site, cast):
    cast.paper(1, topics=["Robotics"], tldr="It works.",
               summary={"highlights": ["It works.", "It is fast."]})
    cast.edition()
    cast.commit()
    page = site.get("/editions/2026-11-23").text
    assert page.count("It works.") == 1 and "It is fast." in page
    assert 'href="/papers/2611.00001"' in page and "Read the full summary" in page


def test_a_day_without_an_edition_is_a_friendly_page_pointing_to_the_nearest_ones(site, cast):
    cast.paper(1)
    cast.edition(YESTERDAY)
    cast.commit()
    response = site.get("/editions/2026-11-24")
    assert response.status_code == 200
    assert "No edition was published on this day" in response.text
    assert 'href="/editions/2026-11-22"' in response.text


def test_an_edition_links_to_the_one_before_and_after(site, cast):
    for number, day in ((1, YESTERDAY), (2, TODAY), (3, TODAY + dt.timedelta(days=3))):
        cast.paper(number)
        cast.edition(day)
    cast.commit()
    page = site.get("/editions/2026-11-23").text
    assert 'rel="prev" href="/editions/2026-11-22"' in page
    assert 'rel="next" href="/editions/2026-11-26"' in page


@pytest.mark.parametrize("day", ["yesterday", "2026-02-30", "20261123", "2026-11-23x"])
def test_a_malformed_date_is_a_404_page(site, day):
    response = site.get(f"/editions/{day}")
    assert response.status_code == 404 and "<h1>" in response.text


def test_a_topic_shows_the_newest_day_first_each_with_its_date_by_trending(site, cast, robotics):
    cast.two_editions()
    cast.commit()
    page = site.get(f"/topics/{robotics}").text
    order = [page.index(text) for text in ("Monday 23 November 2026", "Paper number 4",
                                           "Paper number 3", "Sunday 22 November 2026",
                                           "Paper number 2", "Paper number 1")]
    assert order == sorted(order)
    assert "Paper number 5" not in page


def test_a_topic_is_paged_with_links_between_the_pages(site, cast, robotics):
    for number in range(1, 2 * TOPIC_PAGE_SIZE + 2):
        cast.paper(number, topics=["Robotics"], upvotes=number)
    cast.edition()
    cast.commit()
    first = site.get(f"/topics/{robotics}").text
    assert f'rel="next" href="/topics/{robotics}?page=2"' in first and 'rel="prev"' not in first
    second = site.get(f"/topics/{robotics}?page=2").text
    assert f'rel="prev" href="/topics/{robotics}"' in second
    assert f'href="/topics/{robotics}?page=3"' in second
    last = site.get(f"/topics/{robotics}?page=3").text
    assert len(re.findall(r'<article class="paper">', last)) == 1 and 'rel="next"' not in last


def test_an_empty_topic_and_a_page_past_the_end_are_friendly_pages(site, robotics):
    empty = site.get(f"/topics/{robotics}")
    assert empty.status_code == 200 and "No edition has carried a Robotics paper yet" in empty.text
    past = site.get(f"/topics/{robotics}?page=9")
    assert past.status_code == 200 and "past the last page" in past.text


def test_an_unknown_topic_is_a_404_and_a_page_number_must_be_one_or_more(site, robotics):
    assert site.get("/topics/no-such-topic").status_code == 404
    assert site.get(f"/topics/{robotics}?page=0").status_code == 422
    assert site.get(f"/topics/{robotics}?page=two").status_code == 422


def test_the_landing_page_shows_a_sample_of_the_latest_edition(site, edition):
    assert "What paper 1 found." in site.get("/").text


def test_a_long_edition_is_paged_with_its_topics_listed_on_every_page(site, cast):
    """Robotics papers 1 to 35 (more upvotes first) and Theory paper 36, least discussed: the
    first page holds 30 Robotics papers, the second the last 5 and Theory."""
    for number in range(1, TOPIC_PAGE_SIZE + 6):
        cast.paper(number, topics=["Robotics"], upvotes=100 + number)
    cast.paper(TOPIC_PAGE_SIZE + 6, topics=["Theory"])
    cast.edition()
    cast.commit()
    first = site.get("/editions/2026-11-23").text
    assert first.count('<article class="paper">') == TOPIC_PAGE_SIZE
    assert "36 papers in 2 topics" in first
    assert 'href="/editions/2026-11-23?page=2#theory"' in first
    assert 'href="/editions/2026-11-23?page=2">Next page' in first
    second = site.get("/editions/2026-11-23?page=2").text
    assert second.count('<article class="paper">') == 6
    assert "Robotics (continued)" in second and 'href="#theory"' in second
    assert 'href="/editions/2026-11-23#robotics"' in second
    assert 'href="/editions/2026-11-23">← Previous page' in second
    past = site.get("/editions/2026-11-23?page=3")
    assert past.status_code == 200 and "past its last page" in past.text
