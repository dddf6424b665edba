"""The landing page, the subscribe form and the confirmation link (double opt-in).

The form's answer is the same page whatever the address's state (new, pending, confirmed,
unsubscribed, suppressed, rate limited): only the email that follows differs.
"""

from __future__ import annotations

import logging
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse

from newsletter import archive, notices, queue, signup, tokens
from newsletter.links import preferences_url
from newsletter.llm.prompt import LANGUAGE_NAMES
from newsletter.preferences import FREQUENCIES
from newsletter.subscriptions import SubscriptionError, normalize_email
from newsletter.web import deps
from newsletter.web.app import page
from newsletter.web.archive import paper_cards
from newsletter.web.csrf import require_csrf
from newsletter.web.errors import error_page

log = logging.getLogger(__name__)
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
                frequencies=FREQUENCIES, sample=sample, sample_date=latest and latest.date,
                form_version=signup.FORM_VERSION)


@router.post("/subscribe", response_class=HTMLResponse, dependencies=[Depends(require_csrf)])
def subscribe(request: Request, email: Annotated[str, Form(max_length=320)] = "",
              topics: Annotated[list[str], Form()] = [],  # noqa: B006 (FastAPI copies it)
              frequency: Annotated[str, Form()] = "daily",
              language: Annotated[str, Form()] = "en"):
    """Ask for a confirmation email. Limited per client IP (429) and per address (silently)."""
    limits, ip = request.app.state.signup_limits, deps.client_ip(request) or "unknown"
    if not limits.per_ip.allow(ip):
        return error_page(request, 429, "Too many sign-ups from your network; please try "
                          "again later.", {"Retry-After": str(limits.per_ip.retry_after(ip))})
    form = {"email": email, "topics": topics, "frequency": frequency, "language": language}
    wanted = signup.SignupRequest(email, topics, frequency, language, deps.client_ip(request),
                                  deps.user_agent(request))
    try:
        address = normalize_email(email)
        notice = _request(request, wanted) if limits.per_address.allow(address) else None
    except SubscriptionError as error:
        return landing_page(request, status_code=400, error=str(error), form=form)
    if notice is not None:
        _send_notice(deps.services(request), notice)
    return page(request, "check_inbox.html", email=address)


def _send_notice(services, notice: signup.Notice) -> None:
    """The confirmation goes through the workers when there are some (the request does not wait
    on the mail server), in-process otherwise or when the queue cannot be reached."""
    if notice.kind == signup.CONFIRMATION and services.settings.redis_url:
        try:
            queue.send_task(services.settings, queue.CONFIRMATION_TASK, notice.subscriber.id)
            return
        except Exception:  # Redis down: sending now beats losing the sign-up's email
            log.exception("could not enqueue the confirmation; sending it in-process")
    send = notices.send_confirmation if notice.kind == signup.CONFIRMATION \
        else notices.send_reminder
    deps.send_quietly(send, services.settings, services.mailer, notice.subscriber)


def _request(request: Request, wanted: signup.SignupRequest) -> signup.Notice | None:
    with deps.transaction(request) as session:
        return signup.request_signup(session, wanted, deps.services(request).taxonomy)


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
    """Confirm the subscription (idempotent); the first time, a welcome email follows."""
    services = deps.services(request)
    with deps.transaction(request) as session:
        subscriber = deps.subscriber_from(request, session, tokens.CONFIRM, token,
                                          tokens.CONFIRM_MAX_AGE_SECONDS)
        changed = signup.confirm_signup(session, subscriber, deps.client_ip(request))
    if changed:
        deps.send_quietly(notices.send_welcome, services.settings, services.mailer, subscriber)
    return page(request, "confirm.html", email=subscriber.email, done=True,
                status=subscriber.status,
                preferences_url=preferences_url(services.settings, subscriber.id))
