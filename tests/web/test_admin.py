"""/admin: absent without a password, behind HTTP Basic auth with one, wrong passwords limited,
never cached nor indexed, never linked; it shows the figures of newsletter.stats."""

from __future__ import annotations

import base64

import pytest
from fastapi.testclient import TestClient

from newsletter.config import SettingsError, load_settings
from newsletter.db import session_scope
from newsletter.web import create_app
from newsletter.web.admin import ADMIN_FAILURES
from tests.support import operator_history as history
from tests.support.databases import services_with
from tests.support.local_services import empty_redis, redis_test_url

PASSWORD = "correct horse battery staple"

pytestmark = pytest.mark.own_database


def basic(user: str, password: str) -> dict:
    return {"Authorization": "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()}


@pytest.fixture
def admin(services, monkeypatch):
    """A client of the app with NEWSLETTER_ADMIN_PASSWORD set, whose clock says it is noon of
    operator_history's TODAY; and its services."""
    monkeypatch.setattr("newsletter.stats.figures.utcnow", lambda: history.at(0, 12))
    with_password = services_with(services, admin_password=PASSWORD)
    app = create_app(with_password)
    yield TestClient(app, base_url="https://testserver"), with_password
    app.state.notice_sender.stop()


def test_without_a_password_there_is_no_admin_page(site):
    response = site.get("/admin", headers=basic("admin", PASSWORD))
    assert response.status_code == 404
    assert "There is no page at this address." in response.text


def test_a_request_without_credentials_is_asked_for_them(admin):
    client, _ = admin
    response = client.get("/admin")
    assert response.status_code == 401
    assert response.headers["www-authenticate"].startswith("Basic realm=")
    assert response.headers.get_list("cache-control") == ["no-store"]


@pytest.mark.parametrize("user, password", [("admin", "correct horse battery stapl"),
                                            ("root", PASSWORD), ("", "")])
def test_a_wrong_user_or_password_is_refused(admin, user, password):
    client, _ = admin
    response = client.get("/admin", headers=basic(user, password))
    assert response.status_code == 401
    assert "Operator" not in response.text


def test_the_operator_sees_the_figures_never_stored_nor_indexed(admin):
    client, services = admin
    with session_scope(services.factory) as session:
        history.subscribers(session, [{"status": "confirmed"}, {"status": "pending"}])
    response = client.get("/admin", headers=basic("admin", PASSWORD))
    assert response.status_code == 200
    assert response.headers.get_list("cache-control") == ["no-store"]
    assert response.headers["x-robots-tag"] == "noindex, nofollow"
    assert '<meta name="robots" content="noindex, nofollow">' in response.text
    assert response.text.count('<svg viewBox=') == 3
    assert "<script" not in response.text
    assert "<dt>confirmed</dt><dd>1</dd>" in response.text


def test_the_page_says_what_failed_and_warns_of_a_complaint_rate_near_the_limit(admin):
    client, services = admin
    with session_scope(services.factory) as session:
        readers = history.subscribers(session, [{"email": f"r{n}@example.org",
                                                 "status": "confirmed"} for n in range(400)])
        history.digests(session, readers, days_ago=1)
        history.provider_events(session, "spamreport", 1, days_ago=1)  # 0.25%
        history.run(session, {"kind": "in-process", "sources": [
            {"kind": "feed", "url": "https://lab.example.org/feed.xml", "failed": True,
             "error": "HTTPStatusError: 503 Service Unavailable"}]})
    page = client.get("/admin?days=7", headers=basic("admin", PASSWORD)).text
    assert ("Source feed https://lab.example.org/feed.xml failed: HTTPStatusError: 503 Service "
            "Unavailable") in page
    assert "Spam complaints: 0.25%" in page
    assert "Warning: nearing the limit" in page
    assert "Gmail" in page and "Yahoo" in page  # where the limit comes from


def test_too_many_wrong_passwords_lock_the_address_out_even_with_the_right_one(admin):
    client, _ = admin
    for _ in range(ADMIN_FAILURES):
        assert client.get("/admin", headers=basic("admin", "guess")).status_code == 401
    response = client.get("/admin", headers=basic("admin", PASSWORD))
    assert response.status_code == 429
    assert int(response.headers["retry-after"]) > 0


@pytest.mark.redis
def test_with_redis_the_lockout_holds_in_every_web_process(services):
    url = redis_test_url(9)
    with empty_redis(url):
        apps = [create_app(services_with(services, admin_password=PASSWORD, redis_url=url))
                for _ in range(2)]  # two web processes
        clients = [TestClient(app, base_url="https://testserver") for app in apps]
        for n in range(ADMIN_FAILURES):
            clients[n % 2].get("/admin", headers=basic("admin", "guess"))
        assert clients[0].get("/admin", headers=basic("admin", PASSWORD)).status_code == 429
        assert clients[1].get("/admin", headers=basic("admin", PASSWORD)).status_code == 429
        for app in apps:
            app.state.notice_sender.stop()


def test_asking_for_credentials_is_not_a_failure(admin):
    client, _ = admin
    for _ in range(ADMIN_FAILURES + 1):
        client.get("/admin")
    assert client.get("/admin", headers=basic("admin", PASSWORD)).status_code == 200


def test_no_public_page_links_to_the_admin_page(admin):
    client, _ = admin
    for path in ("/", "/editions", "/feed.atom", "/search?q=attention", "/no-such-page"):
        assert "/admin" not in client.get(path).text, path


def test_a_short_admin_password_is_refused_at_start_up():
    with pytest.raises(SettingsError, match="NEWSLETTER_ADMIN_PASSWORD: .*at least 12"):
        load_settings(admin_password="hunter2")
    assert load_settings(admin_password="").admin_password is None
