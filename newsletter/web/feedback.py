""""More like this" / "less like this", through the links under each paper in a digest.

A GET only shows the paper and a button (link scanners open every link in an email); the
button's POST records the vote, the latest winning, and offers the opposite vote as undo.
A tampered link is answered with a 400 page and records nothing.
"""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse

from newsletter.models import Paper, PaperRating
from newsletter.personal import MIN_RATINGS, paper_feedback_url, reader_feedback_url
from newsletter.personal.feedback import FEEDBACK, read_vote
from newsletter.personal.store import record_vote
from newsletter.subscribers.links import preferences_url
from newsletter.subscribers.tokens import InvalidToken
from newsletter.web import deps
from newsletter.web.csrf import require_csrf
from newsletter.web.pages import page

router = APIRouter()
PATH = "/feedback/{token}/{paper_id:path}/{vote}"


def _read(request: Request, session, token: str, paper_id: str, vote: str):
    """The subscriber, the paper and the vote a link names; raises deps.InvalidLink."""
    subscriber = deps.subscriber_from(request, session, FEEDBACK, token)
    try:
        value = read_vote(vote)
    except InvalidToken as error:
        raise deps.InvalidLink(str(error)) from None
    paper = session.get(Paper, paper_id)
    if paper is None:
        raise deps.InvalidLink("this link names no paper we know")
    return subscriber, paper, value


def _feedback_page(request: Request, session, subscriber, paper: Paper, token: str, vote: int,
                   done: bool) -> HTMLResponse:
    reader = reader_feedback_url("", token)  # paths of this site
    rated = session.query(PaperRating).filter_by(subscriber_id=subscriber.id).count()
    return page(request, "feedback.html", title=paper.title, vote=vote, done=done,
                action=paper_feedback_url(reader, paper.id, vote),
                undo=paper_feedback_url(reader, paper.id, -vote), rated=rated,
                min_ratings=MIN_RATINGS,
                preferences_url=preferences_url(deps.services(request).settings, subscriber.id,
                                                subscriber.token_secret))


@router.get(PATH, response_class=HTMLResponse)
def confirm_vote(token: str, paper_id: str, vote: str, request: Request):
    """Shows the paper and a button; records nothing."""
    with deps.transaction(request) as session:
        subscriber, paper, value = _read(request, session, token, paper_id, vote)
        return _feedback_page(request, session, subscriber, paper, token, value, done=False)


@router.post(PATH, response_class=HTMLResponse, dependencies=[Depends(require_csrf)])
def record(token: str, paper_id: str, vote: str, request: Request):
    """Records the vote (replacing an earlier one on the paper) and offers the opposite."""
    with deps.transaction(request) as session:
        subscriber, paper, value = _read(request, session, token, paper_id, vote)
        record_vote(session, subscriber.id, paper.id, value)
        session.flush()
        return _feedback_page(request, session, subscriber, paper, token, value, done=True)
