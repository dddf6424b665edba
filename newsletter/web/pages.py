"""The site's pages: its Jinja2 templates, rendered with the site name and the forms' CSRF token.
Every router renders through `page`; the app factory imports the routers, never the reverse."""

from __future__ import annotations

from pathlib import Path

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from newsletter.web import csrf

HERE = Path(__file__).parent
TEMPLATES = Jinja2Templates(directory=str(HERE / "templates"))


def page(request: Request, template: str, status_code: int = 200, **context) -> HTMLResponse:
    """Render one of the app's pages with the site name and the forms' CSRF token."""
    context = {"site_name": request.app.state.services.settings.site_name,
               "csrf_token": csrf.form_token(request), **context}
    response = TEMPLATES.TemplateResponse(request, template, context, status_code=status_code)
    csrf.remember(request, response)
    return response
