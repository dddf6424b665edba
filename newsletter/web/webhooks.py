"""POST /webhooks/sendgrid: SendGrid's signed Event Webhook.

The signature is checked over the raw body before anything is parsed; a bad signature or a
stale timestamp is refused with 403 and changes nothing, a body that is not SendGrid's events
with 400. In a signed array, an item that is not a valid event is skipped and counted
("invalid"), and the others are applied: a correctly signed body is never answered 5xx, which
would make SendGrid post the whole batch again and again. Without
NEWSLETTER_SENDGRID_WEBHOOK_PUBLIC_KEY the endpoint does not exist (404), so an unconfigured
site never accepts unsigned events.
"""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Request
from starlette.concurrency import run_in_threadpool

from newsletter.db import session_scope
from newsletter.delivery.provider_events import apply_events
from newsletter.mail.sendgrid_webhook import (
    SIGNATURE_HEADER,
    TIMESTAMP_HEADER,
    InvalidSignature,
    parse_events,
    verify_signature,
)
from newsletter.services import Services

router = APIRouter()


@router.post("/webhooks/sendgrid")
async def sendgrid_events(request: Request) -> dict:
    """Verify, parse and apply one batch of events; answer what was done with them."""
    services: Services = request.app.state.services
    public_key = services.settings.sendgrid_webhook_public_key
    if not public_key:
        raise HTTPException(404)
    body = await request.body()
    try:  # a ValueError here is a misconfigured key: our fault, left to answer 500
        verify_signature(public_key, body, request.headers.get(SIGNATURE_HEADER, ""),
                         request.headers.get(TIMESTAMP_HEADER, ""))
    except InvalidSignature as error:
        raise HTTPException(403, str(error)) from None
    try:
        batch = parse_events(body)
    except ValueError as error:
        raise HTTPException(400, str(error)) from None
    outcomes = await run_in_threadpool(_apply, services, batch.events)
    return dict(outcomes, **({"invalid": batch.invalid} if batch.invalid else {}))


def _apply(services: Services, events) -> dict:
    with session_scope(services.factory) as session:
        return apply_events(session, events)
