"""Signed "more like this" / "less like this" links under each paper in a digest.

A link is {base}/feedback/<reader token>/<paper id>/more|less. The reader token signs only the
subscriber (their id and token secret, as every link token of theirs), under the purpose
"feedback", so one token serves every paper of a digest: a
digest is rendered once for many readers and each reader's token is filled in by substitution,
like the preferences link. The token cannot pass for a confirm, preferences or unsubscribe
token. The paper id and the vote travel in the clear: a reader may rate any paper, which is
harmless, and nobody can rate for another reader without their token. Opening the link records
nothing: link scanners open every link in an email, so the page the GET shows carries a button
that POSTs to the same URL. Tokens do not expire: rating a paper from an old digest is welcome.
"""

from __future__ import annotations

from urllib.parse import quote

from newsletter.subscribers import tokens

FEEDBACK = "feedback"
MORE, LESS = 1, -1  # "more like this", "less like this"
VOTES = {"more": MORE, "less": LESS}  # as the vote is spelled in the link


def read_vote(word: str) -> int:
    """MORE for "more", LESS for "less"; raises tokens.InvalidToken for anything else."""
    if word not in VOTES:
        raise tokens.InvalidToken("this link is not valid")
    return VOTES[word]


def vote_word(vote: int) -> str:
    """The inverse of read_vote."""
    return next(word for word, value in VOTES.items() if value == vote)


def reader_feedback_url(base_url: str, token: str) -> str:
    """Where a reader's feedback links start; a paper's link appends its id and the vote."""
    return f"{base_url}/feedback/{token}"


def paper_feedback_url(reader_url: str, paper_id: str, vote: int) -> str:
    """A paper's link under `reader_url` (a reader's, or the placeholder standing for it)."""
    # old-style arXiv ids hold a slash ("hep-th/9901001"): kept, the route reads a path
    return f"{reader_url}/{quote(paper_id, safe='/:')}/{vote_word(vote)}"
