"""Personalization, pure: follows and mutes, feedback tokens, the per-subscriber ranking and the
reason line under each paper. Nothing here touches the database or the network; delivery turns
stored papers into PaperViews (`view_of`) and calls `personal_digest`.
"""

from newsletter.personal.digest import PersonalDigest, personal_digest
from newsletter.personal.feedback import (
    LESS,
    MORE,
    Vote,
    make_feedback_token,
    read_feedback_token,
)
from newsletter.personal.interests import Interests, followed_reason, is_muted
from newsletter.personal.model import MIN_RATINGS, Ranked, rerank
from newsletter.personal.view import PaperView, view_of

__all__ = [
    "LESS", "MIN_RATINGS", "MORE", "Interests", "PaperView", "PersonalDigest", "Ranked", "Vote",
    "followed_reason", "is_muted", "make_feedback_token", "personal_digest", "read_feedback_token",
    "rerank", "view_of",
]
