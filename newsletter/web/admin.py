"""The operator's page, /admin: the figures of newsletter.stats, with charts.

It exists only when NEWSLETTER_ADMIN_PASSWORD is set (else 404, as for any unknown address),
behind HTTP Basic auth as user "admin". The password is compared in constant time; wrong
credentials are counted per client address, and past ADMIN_FAILURES in ADMIN_FAILURE_PERIOD
that address is refused (429) until its bucket refills, right password or not. The page is never
cached (middleware: no-store), never indexed, and no public page links to it.
"""

from __future__ import annotations

import secrets

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.responses import HTMLResponse
from fastapi.security import HTTPBasic, HTTPBasicCredentials

from newsletter.stats.figures import Figures, collect
from newsletter.stats.subscribers import STATUSES
from newsletter.web import deps
from newsletter.web.charts import bar_chart, line_chart
from newsletter.web.pages import page
from newsletter.web.signup_limits import client_key, limiter

USER = "admin"
ADMIN_FAILURES, ADMIN_FAILURE_PERIOD = 10, 900.0  # wrong credentials per client address
CHALLENGE = {"WWW-Authenticate": 'Basic realm="newsletter admin", charset="UTF-8"'}
NOT_INDEXED = {"X-Robots-Tag": "noindex, nofollow"}

router = APIRouter()
basic = HTTPBasic(auto_error=False)


def failure_limiter(settings):
    """The bucket of wrong credentials per client address (the app factory keeps one)."""
    return limiter(settings, "admin-failures", ADMIN_FAILURES, ADMIN_FAILURE_PERIOD)


@router.get("/admin", response_class=HTMLResponse)
def dashboard(request: Request, days: int = Query(30, ge=1, le=366),
              credentials: HTTPBasicCredentials | None = Depends(basic)):
    services = deps.services(request)
    password = services.settings.admin_password
    if not password:
        raise HTTPException(404)
    authorize(request, credentials, password)
    with deps.transaction(request) as session:
        figures = collect(session, services.settings, services.settings.sources_list, days)
    response = page(request, "admin.html", figures=figures, charts=charts(figures),
                    statuses=STATUSES)
    response.headers.update(NOT_INDEXED)
    return response


def authorize(request: Request, credentials: HTTPBasicCredentials | None, password: str) -> None:
    """Return for the admin's credentials; else raise 401 (a challenge) or 429."""
    failures, client = request.app.state.admin_failures, client_key(deps.client_ip(request))
    if failures.retry_after(client) > 0:
        raise HTTPException(429, "Too many wrong passwords from your address; try again later.",
                            {"Retry-After": str(failures.retry_after(client)), **NOT_INDEXED})
    if credentials is None:  # a browser's first request: ask, count nothing
        raise HTTPException(401, "This page needs the operator's password.", CHALLENGE)
    # both compared, each in constant time: neither which part nor how much was right leaks
    right_user = secrets.compare_digest(credentials.username.encode(), USER.encode())
    right_password = secrets.compare_digest(credentials.password.encode(), password.encode())
    if not (right_user & right_password):
        failures.allow(client)  # takes one token; an empty bucket refuses from the next try
        raise HTTPException(401, "Wrong user or password.", CHALLENGE)


def charts(figures: Figures) -> dict:
    """The page's charts, by name."""
    subscribers, mail = figures.subscribers, figures.deliverability
    days = subscribers.window.dates()
    over_time = {status: {day: counts[status] for day, counts in subscribers.history.items()}
                 for status in STATUSES}
    return {
        "subscribers": line_chart("Subscribers by status", days, over_time,
                                  "Subscribers in each status at the end of each day counted."),
        "changes": bar_chart("Sign-ups, confirmations and unsubscribes per day", days, {
            "sign-ups": subscribers.signups, "confirmations": subscribers.confirmations,
            "unsubscribes": subscribers.unsubscribes}),
        "problems": bar_chart("Bounces and spam complaints per day", days, {
            "bounces": mail.bounces, "complaints": mail.complaints}),
    }
