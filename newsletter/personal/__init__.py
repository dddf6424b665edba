"""Personalization: follows and mutes, feedback links, the per-subscriber ranking and the reason
line under each paper. All pure but `store`, which reads and writes interests and ratings;
delivery (`newsletter.delivery.picks`) turns stored papers into PaperViews (`view_of`) and calls
`select_for_reader`.
"""

from newsletter.personal.feedback import LESS, MORE, paper_feedback_url, reader_feedback_url
from newsletter.personal.interests import Interests, followed_reason, is_muted
from newsletter.personal.model import MIN_RATINGS, Ranked, rerank
from newsletter.personal.selection import Selection, select_for_reader
from newsletter.personal.view import PaperView, view_of

__all__ = [
    "LESS", "MIN_RATINGS", "MORE", "Interests", "PaperView", "Selection", "Ranked",
    "followed_reason", "is_muted", "paper_feedback_url", "select_for_reader",
    "reader_feedback_url", "rerank", "view_of",
]
