"""When the archive last changed, what a feed's validators are made from, on SQLite and on
PostgreSQL: every write that a page or a feed shows moves it."""

import pytest
from sqlalchemy import select

from newsletter import day
from newsletter.editions import archive
from newsletter.models import Summary


@pytest.fixture
def cast(cast_on_each_database):
    """Every test here runs on SQLite and on PostgreSQL."""
    return cast_on_each_database


def test_an_empty_archive_never_changed(cast):
    assert archive.last_change(cast.session) is None


def test_a_paper_an_edition_a_summary_and_a_source_seen_again_each_move_it(cast):
    paper = cast.paper(1, topics=["Robotics"])
    cast.commit()
    first = archive.last_change(cast.session)
    assert first == max(paper.updated_at, paper.sources[0].last_seen_at)
    edition = cast.edition()
    cast.commit()
    built = archive.last_change(cast.session)
    assert built > first and built >= edition.created_at
    day.summarize(cast.session, cast.services, [paper.id], ["en"])
    cast.commit()
    summarized = archive.last_change(cast.session)
    assert summarized > built
    assert summarized >= cast.session.scalar(select(Summary.created_at))
    cast.store(cast.record(1, signals={"github_repo": "https://github.com/a/b"}), kind="hf",
               url="file:///hf")
    cast.commit()
    assert archive.last_change(cast.session) == paper.sources[0].last_seen_at > summarized
