"""The routes, one module per part of the site. A GET never changes state (link scanners open
every link in an email)."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import PlainTextResponse

from newsletter.web import archive, preferences, subscribe, unsubscribe

router = APIRouter()
for part in (subscribe, unsubscribe, preferences, archive):
    router.include_router(part.router)


@router.get("/healthz", response_class=PlainTextResponse)
def healthz() -> str:
    return "ok"
