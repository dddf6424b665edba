"""The FastAPI app factory: a composition root, like the CLI and the Celery app."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from newsletter.config import get_settings
from newsletter.wiring import Services

TEMPLATES = Jinja2Templates(directory=str(Path(__file__).parent / "templates"))


def create_app(services: Services | None = None) -> FastAPI:
    """The app, wired to `services` (default: from the environment's settings)."""
    from newsletter.web import routes

    app = FastAPI(title="Paper Digest", docs_url=None, redoc_url=None)
    app.state.services = services or Services(get_settings())
    app.include_router(routes.router)
    return app


def page(request: Request, template: str, status_code: int = 200, **context) -> HTMLResponse:
    """Render one of the app's pages with the site name in its context."""
    services: Services = request.app.state.services
    context = {"site_name": services.settings.site_name, **context}
    return TEMPLATES.TemplateResponse(request, template, context, status_code=status_code)
