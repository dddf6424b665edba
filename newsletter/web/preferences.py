"""Preferences through the signed link in every email (no passwords): topics, frequency,
delivery hour and time zone, papers per digest, language, follows and mutes; "export my data";
"delete me"."""

from __future__ import annotations

import json
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, Response

from newsletter.models import Subscriber
from newsletter.personal import Interests
from newsletter.subscribers import notice_queue, notices, preferences, privacy, tokens
from newsletter.subscribers.links import unsubscribe_url
from newsletter.subscribers.subscriptions import SubscriptionError
from newsletter.summarize.prompt import LANGUAGE_NAMES, written_languages
from newsletter.web import deps
from newsletter.web.csrf import require_csrf
from newsletter.web.pages import page

router = APIRouter()


def preferences_page(request: Request, subscriber: Subscriber, token: str, status_code: int = 200,
                     **context) -> HTMLResponse:
    services = deps.services(request)
    return page(request, "preferences.html", status_code=status_code, token=token,
                email=subscriber.email, status=subscriber.status,
                current=preferences.preferences_of(subscriber), topics=services.taxonomy.topics,
                languages=LANGUAGE_NAMES, frequencies=preferences.FREQUENCIES,
                written_languages=written_languages(services.settings.llm_model),
                timezones=preferences.timezones(), max_papers_limit=preferences.MAX_PAPERS_LIMIT,
                default_max_papers=services.settings.max_papers_per_digest,
                interests=Interests.from_dict(subscriber.interests),
                interest_labels=preferences.INTEREST_LABELS,
                unsubscribe_url=unsubscribe_url(services.settings, subscriber.id,
                                                subscriber.token_secret), **context)


@router.get("/preferences/{token}", response_class=HTMLResponse)
def show(token: str, request: Request):
    with deps.transaction(request) as session:
        subscriber = deps.subscriber_from(request, session, tokens.PREFERENCES, token)
    return preferences_page(request, subscriber, token)


@router.post("/preferences/{token}", response_class=HTMLResponse,
             dependencies=[Depends(require_csrf)])
def save(token: str, request: Request,
         topics: Annotated[list[str], Form()] = [],  # noqa: B006 (FastAPI copies it)
         frequency: Annotated[str, Form()] = "daily",
         delivery_hour: Annotated[str, Form()] = "7",
         timezone: Annotated[str, Form()] = "UTC",
         max_papers: Annotated[str, Form()] = "",
         language: Annotated[str, Form()] = "en",
         authors: Annotated[str | None, Form()] = None,
         organizations: Annotated[str | None, Form()] = None,
         keywords: Annotated[str | None, Form()] = None,
         muted_keywords: Annotated[str | None, Form()] = None):
    """Save; the page lists what changed, and an email tells the subscriber. Follows and mutes
    left out of the form (a client that predates them) stay as they were."""
    services = deps.services(request)
    with deps.transaction(request) as session:
        subscriber = deps.subscriber_from(request, session, tokens.PREFERENCES, token)
        try:
            chosen = preferences.parse_preferences(topics, frequency, delivery_hour, timezone,
                                                   max_papers, language, services.taxonomy)
            interests = _interests_from(subscriber, authors=authors, keywords=keywords,
                                        organizations=organizations,
                                        muted_keywords=muted_keywords)
        except SubscriptionError as error:
            return preferences_page(request, subscriber, token, 400, error=str(error))
        changes = (preferences.apply_preferences(subscriber, chosen)
                   + preferences.apply_interests(subscriber, interests))
        if changes:
            notice_queue.queue_notice(session, notices.PREFERENCES_UPDATED, subscriber.id,
                                      changes=changes)
    return deps.send_queued(request, preferences_page(request, subscriber, token, saved=True,
                                                      changes=changes))


def _interests_from(subscriber: Subscriber, **lists: str | None) -> Interests:
    """The interests the form sent; a list it left out keeps its stored lines."""
    stored = Interests.from_dict(subscriber.interests).to_dict()
    return preferences.parse_interests({name: "\n".join(stored[name]) if text is None else text
                                        for name, text in lists.items()})


@router.get("/preferences/{token}/export")
def export(token: str, request: Request) -> Response:
    """Everything stored about the subscriber, as a JSON download (reading changes nothing)."""
    with deps.transaction(request) as session:
        subscriber = deps.subscriber_from(request, session, tokens.PREFERENCES, token)
        data = privacy.export_data(session, subscriber)
    return Response(json.dumps(data, indent=2, ensure_ascii=False), media_type="application/json",
                    headers={"Content-Disposition": 'attachment; filename="my-data.json"'})


@router.post("/preferences/{token}/delete", response_class=HTMLResponse,
             dependencies=[Depends(require_csrf)])
def delete(token: str, request: Request):
    """Erase the subscriber's personal data; a hashed suppression entry remains."""
    with deps.transaction(request) as session:
        subscriber = deps.subscriber_from(request, session, tokens.PREFERENCES, token)
        privacy.erase(session, subscriber)
    return page(request, "deleted.html")
