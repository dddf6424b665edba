"""The operator's page in Debian's Chromium, on a real uvicorn server, on a phone (375 px) and a
laptop (1000 px), with JavaScript off: the charts are drawn, the page fits the screen's width.
Screenshots are kept in test-artifacts/admin/."""

from __future__ import annotations

from pathlib import Path

import pytest

from newsletter.config import load_settings
from newsletter.db import session_scope
from newsletter.services import Services
from newsletter.stats.subscribers import record_counts
from newsletter.web import create_app
from tests.stubs.served_app import served
from tests.stubs.smtp_server import free_port
from tests.support import operator_history as history
from tests.support.local_services import CHROMIUM, CHROMIUM_ARGS, require_chromium

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "admin"
PASSWORD = "correct horse battery staple"

pytestmark = pytest.mark.browser


@pytest.fixture
def server(database_url, tmp_path, monkeypatch):
    """The app with an admin password, on a database with two weeks of history; its URL."""
    monkeypatch.setattr("newsletter.stats.figures.utcnow", lambda: history.at(0, 12))
    services = Services(load_settings(database_url=database_url, admin_password=PASSWORD,
                                      outbox_dir=str(tmp_path / "outbox")))
    with session_scope(services.factory) as session:
        fill(session)
    port = free_port()
    with served(create_app(services), port):
        yield f"http://127.0.0.1:{port}"


def fill(session) -> None:
    """Readers joining over two weeks, a daily count and a digest each day, a few complaints."""
    for days_ago in range(14, -1, -1):
        readers = history.subscribers(session, [
            {"email": f"d{days_ago}r{n}@example.org", "status": "confirmed",
             "created_at": history.at(days_ago, 8), "confirmed_at": history.at(days_ago, 9)}
            for n in range(20 + days_ago % 5)])
        record_counts(session, history.at(days_ago, 23))
        history.digests(session, readers, days_ago)
        history.provider_events(session, "spamreport", days_ago % 3, days_ago)
    history.run(session, {"kind": "in-process", "sources": [
        {"kind": "hf", "url": "https://huggingface.co/api/daily_papers", "new": 12, "merged": 3}],
        "summaries": {"made": 12, "cached": 3, "calls": 12, "cost_usd": 0.0412},
        "deliveries": {"sent": 20}})


@pytest.mark.parametrize("width", [375, 1000])
def test_the_admin_page_draws_its_charts_without_javascript(server, width):
    require_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        context = browser.new_context(viewport={"width": width, "height": 900},
                                      java_script_enabled=False,
                                      http_credentials={"username": "admin",
                                                        "password": PASSWORD})
        page = context.new_page()
        page.goto(server + "/admin?days=14")
        page.get_by_role("heading", name="Operator's figures").wait_for()
        charts = page.locator("svg[role=img]")
        assert charts.count() == 3
        for n in range(3):
            box = charts.nth(n).bounding_box()
            assert box["width"] > 300 and box["height"] > 100
        assert page.locator("polyline").count() == 4  # one line a status
        assert page.get_by_text("Warning: past the limit").first.is_visible()
        scroll_width = page.evaluate("document.documentElement.scrollWidth")
        assert scroll_width <= width, "the page is wider than the screen"
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"admin-{width}.png"), full_page=True)
        browser.close()
