"""What every route needs: the services, a transaction, the client, the subscriber a signed link
names, and the sending of what a request queued."""

from __future__ import annotations

import ipaddress
from collections.abc import Iterator
from contextlib import contextmanager

from fastapi import Request
from sqlalchemy.orm import Session
from starlette.background import BackgroundTask
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from newsletter.db import session_scope
from newsletter.models import Subscriber
from newsletter.services import Services
from newsletter.subscribers import links, tokens


class InvalidLink(Exception):
    """A link whose token is tampered with, for another purpose, expired, or names nobody:
    answered with a 400 page, nothing changed."""


def services(request: Request) -> Services:
    return request.app.state.services


def client_ip(request: Request) -> str:
    """The client's address: whoever connects, unless that is a proxy the operator trusts
    (NEWSLETTER_TRUSTED_PROXIES), whose X-Forwarded-For then names the client: the last hop
    before the trusted ones, since anything further left was written by the client itself."""
    peer = request.client.host if request.client else "unknown"
    trusted = services(request).settings.trusted_proxy_networks
    if not _is_trusted(peer, trusted):
        return peer
    hops = [hop.strip() for hop in request.headers.get("x-forwarded-for", "").split(",")]
    hops = [hop[:64] for hop in hops if hop]
    for hop in reversed(hops):
        if not _is_trusted(hop, trusted):
            return hop
    return hops[0] if hops else peer  # a client inside the trusted networks


def _is_trusted(address: str, trusted: tuple) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in trusted)


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
    # kicking the sender enqueues the workers' task when Redis is set, else wakes its thread
    response.background = BackgroundTask(from_event_loop, request.app.state.notice_sender.kick,
                                         blocks=bool(services(request).settings.redis_url))
    return response


async def from_event_loop(function, *args, blocks: bool):
    """`function(*args)` for code on the event loop: on a worker thread when it `blocks` (it
    calls Redis), else right here, without a trip to a thread for a lock and some arithmetic."""
    if blocks:
        return await run_in_threadpool(function, *args)
    return function(*args)
