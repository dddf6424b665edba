"""The routes. A GET never changes state (link scanners open every link in an email)."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import PlainTextResponse
from sqlalchemy.orm import Session

from newsletter import subscriptions, tokens
from newsletter.db import session_scope
from newsletter.models import Subscriber
from newsletter.web.app import page
from newsletter.wiring import Services

router = APIRouter()


def services(request: Request) -> Services:
    return request.app.state.services


def db_session(request: Request):
    with session_scope(services(request).factory) as session:
        yield session


def subscriber_for(request: Request, session: Session, purpose: str, token: str,
                   max_age: int | None = None) -> Subscriber | None:
    secret = services(request).settings.secret_key
    try:
        subscriber_id = tokens.read_token(secret, purpose, token, max_age=max_age)
    except tokens.InvalidToken:
        return None
    return session.get(Subscriber, subscriber_id)


@router.get("/healthz", response_class=PlainTextResponse)
def healthz() -> str:
    return "ok"


@router.get("/unsubscribe/{token}")
def unsubscribe_page(token: str, request: Request, session: Session = Depends(db_session)):
    """Shows a button; changes nothing."""
    subscriber = subscriber_for(request, session, tokens.UNSUBSCRIBE, token)
    if subscriber is None:
        return page(request, "invalid_link.html", status_code=400)
    return page(request, "unsubscribe.html", email=subscriber.email, done=False)


@router.post("/unsubscribe/{token}")
def unsubscribe(token: str, request: Request, session: Session = Depends(db_session)):
    """RFC 8058 one-click (and the page's button): unsubscribes at once; idempotent; 200."""
    subscriber = subscriber_for(request, session, tokens.UNSUBSCRIBE, token)
    if subscriber is None:
        return page(request, "invalid_link.html", status_code=400)
    subscriptions.unsubscribe(subscriber)
    return page(request, "unsubscribe.html", email=subscriber.email, done=True)


@router.get("/confirm/{token}")
def confirm_page(token: str, request: Request, session: Session = Depends(db_session)):
    """Shows a button; changes nothing."""
    subscriber = subscriber_for(request, session, tokens.CONFIRM, token,
                                tokens.CONFIRM_MAX_AGE_SECONDS)
    if subscriber is None:
        return page(request, "invalid_link.html", status_code=400)
    return page(request, "confirm.html", email=subscriber.email, done=False)


@router.post("/confirm/{token}")
def confirm(token: str, request: Request, session: Session = Depends(db_session)):
    subscriber = subscriber_for(request, session, tokens.CONFIRM, token,
                                tokens.CONFIRM_MAX_AGE_SECONDS)
    if subscriber is None:
        return page(request, "invalid_link.html", status_code=400)
    subscriptions.confirm(subscriber)
    return page(request, "confirm.html", email=subscriber.email, done=True)
