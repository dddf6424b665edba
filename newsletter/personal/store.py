"""The stored side of personalization: a reader's interests (subscribers.interests) and their
votes (paper_ratings), read in bulk for delivery and written by the feedback page."""

from __future__ import annotations

from sqlalchemy import Text, cast, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from newsletter.models import Paper, PaperRating, Subscriber
from newsletter.personal.interests import Interests
from newsletter.personal.model import Rating
from newsletter.personal.view import view_of

# the newest votes are the reader's taste now; older ones only slow the fit down
RATINGS_USED = 200
NO_INTERESTS = ("{}", "null")  # the stored JSON of a reader who follows and mutes nothing


def interests_among(session: Session, subscriber_ids: list[int]) -> dict[int, Interests]:
    """The interests of those of these subscribers who follow or mute anything; one query."""
    # Most readers have none, stored as "{}": left out by the database, not decoded here.
    rows = session.execute(select(Subscriber.id, Subscriber.interests)
                           .where(Subscriber.id.in_(subscriber_ids),
                                  cast(Subscriber.interests, Text).not_in(NO_INTERESTS)))
    found = {sid: Interests.from_dict(data) for sid, data in rows if data}
    return {sid: interests for sid, interests in found.items() if interests != Interests()}


def ratings_among(session: Session, subscriber_ids: list[int]) -> dict[int, list[Rating]]:
    """Each rating subscriber's newest RATINGS_USED votes as (PaperView, vote), newest first;
    subscribers who never voted are left out. Two queries whatever the number of readers (one
    when none voted)."""
    rows = session.execute(
        select(PaperRating.subscriber_id, PaperRating.paper_id, PaperRating.vote)
        .where(PaperRating.subscriber_id.in_(subscriber_ids))
        .order_by(PaperRating.updated_at.desc(), PaperRating.paper_id)).all()
    if not rows:  # most chunks of a run: nobody in them voted
        return {}
    views = {paper.id: view_of(paper) for paper in session.scalars(
        select(Paper).where(Paper.id.in_({paper_id for _, paper_id, _ in rows})))}
    ratings: dict[int, list[Rating]] = {}
    for subscriber_id, paper_id, vote in rows:
        kept = ratings.setdefault(subscriber_id, [])
        if len(kept) < RATINGS_USED:
            kept.append((views[paper_id], vote))
    return ratings


def record_vote(session: Session, subscriber_id: int, paper_id: str, vote: int) -> None:
    """Store a vote; the latest wins (a second vote on a paper replaces the first, even when two
    arrive at once)."""
    rating = session.get(PaperRating, (subscriber_id, paper_id))
    if rating is None:
        try:
            with session.begin_nested():
                session.add(PaperRating(subscriber_id=subscriber_id, paper_id=paper_id,
                                        vote=vote))
            return
        except IntegrityError:  # a concurrent first vote won the insert: update it instead
            rating = session.get(PaperRating, (subscriber_id, paper_id), populate_existing=True)
    rating.vote = vote


def export_ratings(session: Session, subscriber_id: int) -> list[dict]:
    """The subscriber's votes, JSON-ready ("more" / "less"), oldest first."""
    rows = session.scalars(select(PaperRating).where(PaperRating.subscriber_id == subscriber_id)
                           .order_by(PaperRating.created_at, PaperRating.paper_id))
    return [{"paper": r.paper_id, "vote": "more" if r.vote > 0 else "less",
             "at": r.updated_at.isoformat() + "Z"} for r in rows]
