"""The trending score's orderings: attention across sources, decayed by age on the edition's
day. The tests pin orderings rather than numbers."""

import datetime as dt

from newsletter.editions.trending import (
    Signals,
    ranked_at,
    refresh_trending_score,
    trending_score,
)


def test_150_upvotes_outrank_an_unvoted_paper_of_the_same_age():
    assert trending_score(Signals(upvotes=150), 5) > trending_score(Signals(), 5)


def test_yesterdays_hit_fades_behind_todays_hit():
    assert trending_score(Signals(upvotes=100), 48) < trending_score(Signals(upvotes=60), 2)


def test_more_sources_and_stars_rank_higher():
    assert trending_score(Signals(source_count=3), 1) > trending_score(Signals(), 1)
    assert trending_score(Signals(github_stars=500), 1) > trending_score(Signals(), 1)


def test_score_uses_the_papers_age(cast):
    _, paper = cast.store(cast.record(1, published=dt.datetime(2026, 11, 20)))
    fresh = refresh_trending_score(paper, dt.datetime(2026, 11, 20, 6))
    stale = refresh_trending_score(paper, dt.datetime(2026, 11, 23, 6))
    assert stale < fresh


def test_a_stored_paper_is_scored_as_of_its_first_day_until_an_edition_scores_it(cast):
    paper = cast.paper(1, upvotes=40)
    first_day = trending_score(Signals(upvotes=40), (ranked_at(paper.first_seen_at.date())
                                                     - paper.first_seen_at).total_seconds() / 3600)
    assert paper.trending_score == first_day > 0
    edition = cast.edition(paper.first_seen_at.date() + dt.timedelta(days=2))
    on_its_day = paper.trending_score
    assert [entry.paper for entry in edition.papers] == [paper] and on_its_day < first_day
    cast.store(cast.record(1, signals={"upvotes": 400}), kind="hf", url="file:///hf")
    assert paper.trending_score == on_its_day  # the edition's score is the one kept
