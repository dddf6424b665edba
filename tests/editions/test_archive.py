"""The archive's queries: a topic's papers day by day, an edition's neighbours, a paper's
editions."""

import datetime as dt

from newsletter.editions import archive
from newsletter.models import Paper
from tests.support.cast import TODAY

YESTERDAY = TODAY - dt.timedelta(days=1)


def shown(page) -> list[tuple[dt.date, list[str]]]:
    return [(day.date, [paper.id[-1] for paper in day.papers]) for day in page.days]


def test_a_topic_lists_the_newest_day_first_each_day_by_trending_rank(cast, session):
    cast.two_editions()
    page = archive.topic_page(session, "Robotics")
    assert shown(page) == [(TODAY, ["4", "3"]), (YESTERDAY, ["2", "1"])]
    assert not page.has_next and not page.has_previous


def test_a_topic_is_paged_and_a_day_goes_on_over_the_next_page(cast, session):
    cast.two_editions()
    first, second = (archive.topic_page(session, "Robotics", n, size=3) for n in (1, 2))
    assert shown(first) == [(TODAY, ["4", "3"]), (YESTERDAY, ["2"])] and first.has_next
    assert shown(second) == [(YESTERDAY, ["1"])] and not second.has_next
    assert second.has_previous
    assert archive.topic_page(session, "Robotics", 3, size=3).days == []


def test_a_paper_no_edition_carried_is_on_no_topic_page(cast, session):
    cast.paper(1, topics=["Robotics"])
    assert archive.topic_page(session, "Robotics").days == []


def test_an_edition_knows_its_neighbours_and_a_paper_its_editions(cast, session):
    cast.two_editions()
    assert archive.neighbours(session, TODAY) == (YESTERDAY, None)
    assert archive.neighbours(session, TODAY + dt.timedelta(days=5)) == (TODAY, None)
    assert archive.neighbours(session, YESTERDAY) == (None, TODAY)
    assert archive.appearances(session, session.get(Paper, "2611.00004")) == [TODAY]


def test_pages_go_on_through_every_edition_however_many_the_first_read_skips(cast, session):
    days = [TODAY - dt.timedelta(days=n) for n in range(archive.FIRST_SPAN * 2 + 2)]
    for number, day in enumerate(reversed(days), start=1):
        cast.paper(number, topics=["Robotics"])
        cast.edition(day)
    pages = [archive.topic_page(session, "Robotics", n, size=2) for n in range(1, 10)]
    assert [day.date for page in pages for day in page.days] == days
    assert [page.has_next for page in pages] == [True] * 7 + [False, False]
