"""The trending score: a paper's attention across its sources, decayed by its age on the
edition's day; until an edition carries the paper, on its own first day."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from newsletter.models import EditionPaper, Paper

CHUNK = 500  # papers looked up at once: well under every database's limit of bound parameters


@dataclass(frozen=True)
class Signals:
    """The attention signals of a paper, summed over its sources."""

    upvotes: int = 0
    comments: int = 0
    github_stars: int = 0
    source_count: int = 1


def signals_of(paper: Paper) -> Signals:
    def total(key: str) -> int:
        return max((int(s.signals.get(key) or 0) for s in paper.sources), default=0)

    return Signals(
        upvotes=total("upvotes"),
        comments=total("comments"),
        github_stars=total("github_stars"),
        source_count=max(1, len({s.source_kind for s in paper.sources})),
    )


HALF_LIFE_HOURS = 36.0


def trending_score(signals: Signals, age_hours: float) -> float:
    """attention x decay.

    attention = 1 + 2 ln(1 + upvotes) + ln(1 + comments) + 1.5 (distinct source kinds - 1)
                  + 0.5 ln(1 + GitHub stars)
    decay     = 0.5 ** (age in hours / 36)

    Logarithms make the first upvotes count most (150 upvotes beat none by far, 300 beat 150 by
    little); the half-life of a day and a half makes yesterday's hit fade behind today's.
    """
    attention = (
        1.0
        + 2.0 * math.log1p(signals.upvotes)
        + 1.0 * math.log1p(signals.comments)
        + 1.5 * (signals.source_count - 1)
        + 0.5 * math.log1p(signals.github_stars)
    )
    return attention * 0.5 ** (max(age_hours, 0.0) / HALF_LIFE_HOURS)


def ranked_at(date: dt.date) -> dt.datetime:
    """The moment an edition of `date` ranks its papers at: the midnight (UTC) that ends the
    day. Ages count from there, not from the wall clock, so an edition built for a past day
    ranks as it would have on that day (a replay a year later is not all scores near zero)."""
    return dt.datetime.combine(date + dt.timedelta(days=1), dt.time())


def refresh_trending_score(paper: Paper, now: dt.datetime) -> float:
    """Recompute and store the paper's score as of `now` (naive UTC)."""
    born = paper.published_at or paper.first_seen_at
    paper.trending_score = trending_score(signals_of(paper), (now - born).total_seconds() / 3600)
    return paper.trending_score


def refresh_first_day_scores(session: Session, papers: list[Paper]) -> None:
    """Score each of `papers` that no edition has carried as of the end of its own first day
    (`ranked_at` of the day it was published or first seen), so that search, which ranks the
    most discussed first, ranks a paper no edition will carry (a backfill, an old paper's
    revision, one seen too late for its days) by its attention, not as if nobody had looked at
    it. An edition scores its papers again as of its own date, which is then kept."""
    ids = [paper.id for paper in papers]
    carried = {paper_id for start in range(0, len(ids), CHUNK) for paper_id in session.scalars(
        select(EditionPaper.paper_id).where(EditionPaper.paper_id.in_(ids[start:start + CHUNK])))}
    for paper in papers:
        if paper.id not in carried:
            born = paper.published_at or paper.first_seen_at
            refresh_trending_score(paper, ranked_at(born.date()))
