"""Unsubscribe (RFC 8058) and resubscribe, through the signed link in every email.

The one-click POST has no cookie and no CSRF token by design: mailbox providers send it on the
reader's behalf. It is idempotent and answered 200 without a redirect. A GET only shows a button.
"""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse

from newsletter.subscribers import notice_queue, notices, signup, subscriptions, tokens
from newsletter.web import deps
from newsletter.web.csrf import require_csrf
from newsletter.web.pages import page

router = APIRouter()


@router.get("/unsubscribe/{token}", response_class=HTMLResponse)
def unsubscribe_page(token: str, request: Request):
    """Shows a button; changes nothing."""
    with deps.transaction(request) as session:
        subscriber = deps.subscriber_from(request, session, tokens.UNSUBSCRIBE, token)
    return page(request, "unsubscribe.html", email=subscriber.email, done=False, token=token)


@router.post("/unsubscribe/{token}", response_class=HTMLResponse)
def unsubscribe(token: str, request: Request):
    """RFC 8058 one-click (and the page's button): unsubscribes at once; idempotent; 200.
    The goodbye email goes only the first time."""
    with deps.transaction(request) as session:
        subscriber = deps.subscriber_from(request, session, tokens.UNSUBSCRIBE, token)
        if subscriptions.unsubscribe(subscriber):
            notice_queue.queue_notice(session, notices.GOODBYE, subscriber.id)
    return deps.send_queued(request, page(
        request, "unsubscribe.html", email=subscriber.email, done=True, token=token,
        can_resubscribe=subscriber.status == subscriptions.UNSUBSCRIBED))


@router.post("/unsubscribe/{token}/resubscribe", response_class=HTMLResponse,
             dependencies=[Depends(require_csrf)])
def resubscribe(token: str, request: Request):
    """Undo an unsubscribe from the same link (it proves the address: no new confirmation)."""
    with deps.transaction(request) as session:
        subscriber = deps.subscriber_from(request, session, tokens.UNSUBSCRIBE, token)
        signup.resubscribe(session, subscriber, deps.client_ip(request), deps.user_agent(request))
    return page(request, "resubscribed.html", email=subscriber.email,
                confirmed=subscriber.status == subscriptions.CONFIRMED)
