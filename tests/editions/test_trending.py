"""The trending score's orderings: attention across sources, decayed by age on the edition's
day. The tests pin orderings rather than numbers."""

import datetime as dt

from newsletter.editions.trending import Signals, refresh_trending_score, trending_score


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
