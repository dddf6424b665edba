"""The one line under each paper that says why it is in this subscriber's digest."""

from __future__ import annotations

from newsletter.personal.interests import Interests, followed_reason
from newsletter.personal.view import PaperView

# below this TF-IDF cosine a liked paper is not "similar": abstracts that only share the
# vocabulary of machine learning score about 0.05 to 0.1
MIN_SIMILARITY = 0.2


def reason_for(paper: PaperView, interests: Interests | None = None,
               nearest_liked: tuple[str, float] | None = None,
               topic: str | None = None) -> str:
    """In order of how personal the reason is: a follow ("You follow Yann LeCun"), a liked paper
    it resembles ("Similar to 'Attention Is All You Need'", when `nearest_liked` = (title,
    cosine) reaches MIN_SIMILARITY), its topic (`topic`, else its first), else "Trending today"."""
    followed = followed_reason(paper, interests) if interests else None
    if followed:
        return followed
    if nearest_liked and nearest_liked[1] >= MIN_SIMILARITY:
        return f"Similar to '{nearest_liked[0]}'"
    topic = topic or (paper.topics[0] if paper.topics else None)
    return f"Topic: {topic}" if topic else "Trending today"
