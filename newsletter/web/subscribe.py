"""The landing page, the subscribe form and the confirmation link (double opt-in).

The form's answer is the same page whatever the address's state (new, pending, confirmed,
unsubscribed, suppressed, rate limited), after the same work (the form checked, the request
queued): only the email that follows differs.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse
from starlette.concurrency import run_in_threadpool

from newsletter.delivery import schedule
from newsletter.editions import archive
from newsletter.models import utcnow
from newsletter.subscribers import notice_queue, notices, signup, tokens
from newsletter.subscribers.links import preferences_url
from newsletter.subscribers.preferences import FREQUENCIES
from newsletter.subscribers.subscriptions import SubscriptionError, mailbox_of
from newsletter.summarize.prompt import LANGUAGE_NAMES, written_languages
from newsletter.web import deps, signup_limits
from newsletter.web.archive import paper_cards
from newsletter.web.csrf import require_csrf
from newsletter.web.errors import error_page
from newsletter.web.pages import page

router = APIRouter()
SAMPLE_SIZE = 3


@router.get("/", response_class=HTMLResponse)
def landing(request: Request):
    """What the digest is, a sample from the latest edition, and the subscribe form."""
    return landing_page(request)


def landing_page(request: Request, status_code: int = 200, error: str | None = None,
                 form: dict | None = None) -> HTMLResponse:
    services = deps.services(request)
    with deps.transaction(request) as session:
        latest = archive.latest_edition(session)
        entries = latest.papers[:SAMPLE_SIZE] if latest else []
        sample = paper_cards(session, services.settings, [e.paper for e in entries])
    return page(request, "landing.html", status_code=status_code, error=error,
                form=form or {"topics": [], "frequency": "daily", "language": "en"},
                topics=services.taxonomy.topics, languages=LANGUAGE_NAMES,
                written_languages=written_languages(services.settings.llm_model),
                frequencies=FREQUENCIES, sample=sample, sample_date=latest and latest.date,
                form_version=signup.FORM_VERSION)


@router.post("/subscribe", response_class=HTMLResponse, dependencies=[Depends(require_csrf)])
async def subscribe(request: Request, email: Annotated[str, Form(max_length=320)] = "",
                    topics: Annotated[list[str], Form()] = [],  # noqa: B006 (FastAPI copies it)
                    frequency: Annotated[str, Form()] = "daily",
                    language: Annotated[str, Form()] = "en"):
    """Queue the sign-up: recorded, and its email sent, after the answer. Limited per client IP
    (429) and per mailbox (silently: queued to be dropped). Every address gets the same answer
    after the same work. On the event loop: the form is checked and the page rendered here,
    and the one write is awaited (group commit), so no worker thread waits on it."""
    limits, ip = request.app.state.signup_limits, deps.client_ip(request)
    client = signup_limits.client_key(ip)
    if not await deps.from_event_loop(limits.per_ip.allow, client, blocks=limits.in_redis):
        wait = await deps.from_event_loop(limits.per_ip.retry_after, client,
                                          blocks=limits.in_redis)
        return error_page(request, 429, "Too many sign-ups from your network; please try "
                          "again later.", {"Retry-After": str(wait)})
    form = {"email": email, "topics": topics, "frequency": frequency, "language": language}
    asked = signup.SignupRequest(email, topics, frequency, language, ip, deps.user_agent(request))
    try:
        wanted = asked.checked(deps.services(request).taxonomy)
    except SubscriptionError as error:  # the landing page reads the database: on a thread
        return await run_in_threadpool(landing_page, request, status_code=400,
                                       error=str(error), form=form)
    over_limit = not await deps.from_event_loop(limits.per_mailbox.allow,
                                                mailbox_of(wanted.email), blocks=limits.in_redis)
    # queued even then: the same work as any other; committed (with the sign-ups of other
    # requests under way) before the answer
    await request.app.state.signup_queue.insert(notice_queue.signup_row(wanted, over_limit))
    return deps.send_queued(request, page(request, "check_inbox.html", email=wanted.email))


@router.get("/confirm/{token}", response_class=HTMLResponse)
def confirm_page(token: str, request: Request):
    """Shows a button; changes nothing."""
    with deps.transaction(request) as session:
        subscriber = deps.subscriber_from(request, session, tokens.CONFIRM, token,
                                          tokens.CONFIRM_MAX_AGE_SECONDS)
    return page(request, "confirm.html", email=subscriber.email, done=False)


@router.post("/confirm/{token}", response_class=HTMLResponse,
             dependencies=[Depends(require_csrf)])
def confirm(token: str, request: Request):
    """Confirm the subscription, once (the link dies with its use); a welcome email follows."""
    services = deps.services(request)
    with deps.transaction(request) as session:
        subscriber = deps.subscriber_from(request, session, tokens.CONFIRM, token,
                                          tokens.CONFIRM_MAX_AGE_SECONDS)
        if signup.confirm_signup(session, subscriber, deps.client_ip(request)):
            notice_queue.queue_notice(session, notices.WELCOME, subscriber.id)
    return deps.send_queued(request, page(
        request, "confirm.html", email=subscriber.email, done=True, status=subscriber.status,
        when=schedule.first_digest(subscriber, utcnow()),
        preferences_url=preferences_url(services.settings, subscriber.id,
                                        subscriber.token_secret)))
