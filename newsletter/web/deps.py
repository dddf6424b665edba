"""What every route needs: the services, a transaction, the subscriber a signed link names."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from fastapi import Request
from sqlalchemy.orm import Session

from newsletter import tokens
from newsletter.db import session_scope
from newsletter.mail import MailError
from newsletter.models import Subscriber
from newsletter.wiring import Services

log = logging.getLogger(__name__)


class InvalidLink(Exception):
    """A link whose token is tampered with, for another purpose, expired, or names nobody:
    answered with a 400 page, nothing changed."""


def services(request: Request) -> Services:
    return request.app.state.services


def client_ip(request: Request) -> str | None:
    """The client's address (behind a proxy, run uvicorn with --proxy-headers)."""
    return request.client.host if request.client else None


def user_agent(request: Request) -> str | None:
    return request.headers.get("user-agent")


@contextmanager
def transaction(request: Request) -> Iterator[Session]:
    """A session committed when the block ends, so emails are sent only about saved changes."""
    with session_scope(services(request).factory) as session:
        yield session


def subscriber_from(request: Request, session: Session, purpose: str, token: str,
                    max_age: int | None = None) -> Subscriber:
    """The subscriber a signed token names; raises InvalidLink."""
    try:
        subscriber_id = tokens.read_token(services(request).settings.secret_key, purpose, token,
                                          max_age=max_age)
    except tokens.InvalidToken as error:
        raise InvalidLink(str(error)) from None
    subscriber = session.get(Subscriber, subscriber_id)
    if subscriber is None:
        raise InvalidLink("this link is not valid any more")
    return subscriber


def send_quietly(send: Callable[..., str], *args) -> None:
    """Send a notice after the change is saved; a mail failure is logged, not shown, since the
    change stands and the page must not differ with the state of the mail server."""
    try:
        send(*args)
    except MailError:
        log.exception("a notice could not be sent")
