"""Form POSTs from other origins, and CSRF cookies the attacker chose, change nothing."""

import re

import pytest
from fastapi.testclient import TestClient

from newsletter.services import Services
from newsletter.subscribers import links
from newsletter.web import create_app
from newsletter.web.csrf import origin_of
from tests.support.site import BASE, CSRF_FIELD, path_of, stored


def post_with(site, path, headers, data=None):
    fields = {"csrf_token": site.csrf_token(), **(data or {})}
    return site.client.post(path, data=fields, headers=headers)


@pytest.mark.parametrize("headers", [
    {"Origin": "https://evil.example"},
    {"Origin": "null"},
    {"Origin": "http://digest.example.org"},  # another scheme is another origin
    {"Origin": "https://digest.example.org:8443"},
    {"Referer": "https://evil.example/page"},
    {},  # neither: a browser always sends one of them with a form
])
def test_a_valid_token_and_cookie_from_another_origin_are_refused(site, headers):
    response = post_with(site, "/subscribe", headers, {"email": "ada@example.org"})
    assert response.status_code == 403
    site.settle()
    assert site.emails() == []


def test_the_delete_form_refuses_another_origin_and_keeps_the_reader(site, services, reader):
    page = path_of(links.preferences_url(services.settings, reader.id, reader.token_secret))
    response = post_with(site, f"{page}/delete", {"Origin": "https://evil.example"})
    assert response.status_code == 403 and stored(services, reader) is not None


@pytest.mark.parametrize("headers", [{"Origin": BASE}, {"Origin": "https://DIGEST.example.org:443"},
                                     {"Referer": f"{BASE}/editions"}])
def test_the_sites_own_origin_or_referer_is_accepted(site, headers):
    assert post_with(site, "/subscribe", headers, {"email": "ada@example.org"}).status_code == 200


def test_a_tossed_cookie_with_the_token_made_for_it_is_refused(site, app, services):
    """An attacker on a sibling domain sets a cookie of their choice in the victim's browser,
    having fetched the page's token for that value themselves."""
    chosen = "attacker-chosen-nonce-0123456789"
    attacker = TestClient(app, base_url="https://testserver", cookies={"csrf": chosen})
    token = CSRF_FIELD.search(attacker.get("/").text).group(1)
    victim = TestClient(app, base_url="https://testserver", cookies={"csrf": chosen})
    response = victim.post("/subscribe", data={"email": "ada@example.org", "csrf_token": token},
                           headers={"Origin": BASE})
    assert response.status_code == 403


def test_the_csrf_cookie_can_only_come_from_this_host_over_https(site):
    cookie = site.get("/").headers["set-cookie"]
    assert cookie.startswith("__Host-csrf=")
    attributes = {part.strip().split("=")[0].lower() for part in cookie.split(";")[1:]}
    assert {"secure", "httponly", "path", "samesite"} <= attributes and "domain" not in attributes
    assert re.search(r"(?i)path=/(;|$)", cookie)


@pytest.mark.own_database  # an app of its own, whose sender thread reads the database too
def test_over_plain_http_the_cookie_has_no_host_prefix(settings):
    app = create_app(Services(settings.model_copy(update={"base_url": "http://localhost:8000"})))
    cookie = TestClient(app).get("/").headers["set-cookie"]
    assert cookie.startswith("csrf=") and "secure" not in cookie.lower()


def test_the_one_click_unsubscribe_needs_no_origin_nor_token(site, services, reader):
    url = path_of(links.unsubscribe_url(services.settings, reader.id, reader.token_secret))
    fresh = TestClient(site.client.app, base_url="https://testserver")
    assert fresh.post(url, data={"List-Unsubscribe": "One-Click"}).status_code == 200


@pytest.mark.parametrize("url, origin", [
    ("https://a.example", ("https", "a.example", 443)),
    ("http://A.example:80/x?y", ("http", "a.example", 80)),
    ("https://a.example:8443", ("https", "a.example", 8443)),
    ("null", None), ("", None), ("https://a.example:port", None), ("ftp://a.example", None),
])
def test_origins_are_compared_with_their_ports_made_explicit(url, origin):
    assert origin_of(url) == origin


# POSTs that no browser form sends: mailbox providers' one-click unsubscribe (RFC 8058) and
# SendGrid's signed webhook (404 here: no key is configured)
EXEMPT = {"/unsubscribe/{token}", "/webhooks/sendgrid"}


def post_routes(routes) -> list[str]:
    """The path of every POST route of the app, through the routers it includes."""
    paths = []
    for route in routes:
        included = getattr(route, "original_router", None)
        if included is not None:
            paths += post_routes(included.routes)
        elif "POST" in getattr(route, "methods", ()):
            paths.append(route.path)
    return paths


@pytest.fixture
def filled_in(services, cast):
    """Each POST route's path with valid values: link tokens of subscribers of their own (a
    pending one for the confirmation), a paper that exists and a vote."""
    paper = cast.paper()
    pending = cast.reader("pending@example.org", confirmed=False)
    reader = cast.reader()
    cast.commit()
    s, secret = services.settings, reader.token_secret
    tokens_of = {"/confirm/": links.confirm_url(s, pending),
                 "/preferences/": links.preferences_url(s, reader.id, secret),
                 "/unsubscribe/": links.unsubscribe_url(s, reader.id, secret),
                 "/feedback/": links.feedback_url(s, reader.id, secret)}

    def fill(path: str) -> str:
        url = next((url for prefix, url in tokens_of.items() if path.startswith(prefix)), "")
        return (path.replace("{token}", url.rsplit("/", 1)[-1])
                .replace("{paper_id:path}", paper.id).replace("{paper_id}", paper.id)
                .replace("{vote}", "more"))
    return fill


def test_every_form_post_of_the_app_refuses_another_origin(site, app, filled_in):
    """Every POST route is found from the app itself, so a new form cannot be forgotten."""
    paths = post_routes(app.routes)
    assert {"/subscribe", "/confirm/{token}", "/preferences/{token}/delete"} <= set(paths)
    # the erasure last: the others' link is the same reader's
    for path in sorted(set(paths) - EXEMPT, key=lambda path: (path.endswith("/delete"), path)):
        for origin in ({"Origin": "https://evil.example"},
                       {"Referer": "https://evil.example/page"}):
            refused = post_with(site, filled_in(path), origin)
            assert refused.status_code == 403, (path, origin)
        # the same post from the site itself gets past the check (so the 403 was the check's)
        assert post_with(site, filled_in(path), {"Origin": BASE}).status_code != 403, path
    for path in EXEMPT:
        assert post_with(site, filled_in(path), {"Origin": "https://evil.example"}
                         ).status_code != 403, path
