"""What every route needs: the services, a transaction, the client, the subscriber a signed link
names, and the sending of what a request queued."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from fastapi import Request
from sqlalchemy.orm import Session
from starlette.background import BackgroundTask
from starlette.responses import Response

from newsletter import links, tokens
from newsletter.db import session_scope
from newsletter.models import Subscriber
from newsletter.wiring import Services


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
    """A session committed when the block ends, so emails are queued only with saved changes."""
    with session_scope(services(request).factory) as session:
        yield session


def subscriber_from(request: Request, session: Session, purpose: str, token: str,
                    max_age: int | None = None) -> Subscriber:
    """The subscriber a signed link was made for; raises InvalidLink."""
    try:
        return links.subscriber_of(session, services(request).settings, purpose, token, max_age)
    except tokens.InvalidToken as error:
        raise InvalidLink(str(error)) from None


def send_queued(request: Request, response: Response) -> Response:
    """The response, which once sent has the emails this request queued sent (the answer never
    waits on, nor depends on, the mail)."""
    response.background = BackgroundTask(request.app.state.notice_sender.kick)
    return response
