"""The site's pages: its Jinja2 templates, rendered with the site name, the forms' CSRF token and
the topics' slugs (for links to topic pages). Every router renders through `page`; the app
factory imports the routers, never the reverse. Paper cards use the emails' filters, so a signal
reads the same in the digest and on the site."""

from __future__ import annotations

from functools import partial
from pathlib import Path

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from emails import filters
from newsletter.search.query import LONGEST_QUERY
from newsletter.web import csrf

HERE = Path(__file__).parent
TEMPLATES = Jinja2Templates(directory=str(HERE / "templates"))
TEMPLATES.env.filters.update(paper_links=filters.paper_links,
                             paper_signals=filters.paper_signals)
TEMPLATES.env.globals["longest_query"] = LONGEST_QUERY  # the search box's limit, on every page


def page(request: Request, template: str, status_code: int = 200, **context) -> HTMLResponse:
    """Render one of the app's pages with the site name, the CSRF token (`csrf_token()`) and the
    topic slugs."""
    services = request.app.state.services
    # called only by the pages that have a form: a sign-up's answer has none, nor signs a token
    context = {"site_name": services.settings.site_name,
               "csrf_token": partial(csrf.form_token, request),
               "topic_slugs": {topic.name: topic.slug for topic in services.taxonomy.topics},
               **context}
    response = TEMPLATES.TemplateResponse(request, template, context, status_code=status_code)
    csrf.remember(request, response)
    return response
