"""The FastAPI app factory: a composition root, like the CLI and the Celery app."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from newsletter.config import get_settings
from newsletter.group_commit import GroupCommit
from newsletter.services import Services
from newsletter.subscribers import notice_queue
from newsletter.web import admin, errors, routes
from newsletter.web.middleware import BodySizeLimit, CountRequests, InFlight, SecurityHeaders
from newsletter.web.notice_sender import NoticeSender
from newsletter.web.pages import HERE
from newsletter.web.signup_limits import SignupLimits

WEBHOOK_MAX_BYTES = 4 * 1024 * 1024  # providers post events in batches


def create_app(services: Services | None = None) -> FastAPI:
    """The app, wired to `services` (default: from the environment's settings)."""
    # no API docs, so no schema either: it would list every route to anyone
    app = FastAPI(title="Paper Digest", docs_url=None, redoc_url=None, openapi_url=None,
                  lifespan=_lifespan)
    app.state.services = services = services or Services(get_settings())
    settings = services.settings
    app.state.signup_limits = SignupLimits.from_settings(settings)
    app.state.admin_failures = admin.failure_limiter(settings)
    app.state.in_flight = in_flight = InFlight()
    app.state.notice_sender = NoticeSender(services, busy=in_flight.busy)
    app.state.signup_queue = GroupCommit(services.engine, notice_queue.SIGNUP_INSERT)
    app.add_middleware(BodySizeLimit, max_bytes=settings.max_request_bytes,
                       larger={"/webhooks/": WEBHOOK_MAX_BYTES})
    app.add_middleware(SecurityHeaders)
    app.add_middleware(CountRequests, in_flight=in_flight)
    errors.install(app)
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    app.include_router(routes.router)
    return app


@asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    """Without Redis, start sending what is queued (an earlier process may have left some)."""
    sender: NoticeSender = app.state.notice_sender
    if not app.state.services.settings.redis_url:
        sender.start()
    yield
    sender.stop()
