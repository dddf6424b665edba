"""Every route of the site, one module per part, in one router. A GET never changes state
(link scanners open every link in an email)."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import PlainTextResponse

from newsletter.web import (
    admin,
    archive,
    feedback,
    feeds,
    papers,
    preferences,
    search,
    subscribe,
    unsubscribe,
    webhooks,
)

router = APIRouter()
for part in (subscribe, unsubscribe, preferences, archive, feeds, papers, search, feedback,
             webhooks, admin):
    router.include_router(part.router)


@router.get("/healthz", response_class=PlainTextResponse)
def healthz() -> str:
    return "ok"
