"""Signed "more like this" / "less like this" tokens for the links under each paper in a digest.

A token carries (subscriber id, paper id, vote) signed with NEWSLETTER_SECRET_KEY under the
purpose "feedback", so it cannot pass for a confirm, preferences or unsubscribe token nor be
edited into another subscriber, paper or vote. Opening the link records nothing: link scanners
open every link in an email, so the page the GET shows carries a button that POSTs the token.
Tokens do not expire: rating a paper from an old digest is harmless and welcome.
"""

from __future__ import annotations

from dataclasses import dataclass

from itsdangerous import BadSignature, URLSafeSerializer

from newsletter.tokens import InvalidToken

FEEDBACK = "feedback"
MORE, LESS = 1, -1  # "more like this", "less like this"
VOTES = (MORE, LESS)


@dataclass(frozen=True)
class Vote:
    subscriber_id: int
    paper_id: str
    vote: int


def _serializer(secret_key: str) -> URLSafeSerializer:
    # the same salt scheme as newsletter.tokens, so purposes never overlap
    return URLSafeSerializer(secret_key, salt=f"newsletter.{FEEDBACK}")


def make_feedback_token(secret_key: str, subscriber_id: int, paper_id: str, vote: int) -> str:
    """A signed token for one subscriber's vote (MORE or LESS) on one paper."""
    if vote not in VOTES:
        raise ValueError(f"a vote is {MORE} or {LESS}, not {vote!r}")
    return _serializer(secret_key).dumps([subscriber_id, paper_id, vote])


def read_feedback_token(secret_key: str, token: str) -> Vote:
    """The vote a token carries; raises InvalidToken when it was tampered with, signed for
    another purpose or with another key, or does not hold a well-formed vote."""
    try:
        payload = _serializer(secret_key).loads(token)
    except BadSignature:
        raise InvalidToken("this link is not valid") from None
    if not _well_formed(payload):
        raise InvalidToken("this link is not valid")
    subscriber_id, paper_id, vote = payload
    return Vote(subscriber_id, paper_id, vote)


def _well_formed(payload) -> bool:
    if not isinstance(payload, list) or len(payload) != 3:
        return False
    subscriber_id, paper_id, vote = payload
    return (
        isinstance(subscriber_id, int) and not isinstance(subscriber_id, bool)
        and isinstance(paper_id, str) and 0 < len(paper_id) <= 64
        and vote in VOTES and not isinstance(vote, bool)
    )
