"""A reader's whole journey in Debian's Chromium, against the app on a real uvicorn server:
subscribe, confirm from the emailed link, change topics, unsubscribe in one click.
Screenshots are kept in test-artifacts/ (never a browser download: /usr/bin/chromium only)."""

from __future__ import annotations

from pathlib import Path

import pytest

from newsletter.config import load_settings
from newsletter.services import Services
from newsletter.web import create_app
from tests.stubs.served_app import served
from tests.stubs.smtp_server import free_port
from tests.support.cluster import until
from tests.support.local_services import CHROMIUM, CHROMIUM_ARGS, require_chromium
from tests.support.outbox import emails_in, link_in
from tests.support.site import subscriber_named

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "subscriber-journey"

pytestmark = pytest.mark.browser


@pytest.fixture
def server(database_url, tmp_path):
    """The app on 127.0.0.1 served by uvicorn in a thread; yields (base URL, services)."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    services = Services(load_settings(database_url=database_url, base_url=base,
                                      outbox_dir=str(tmp_path / "outbox"),
                                      secret_key="browser-secret"))
    with served(create_app(services), port):
        yield base, services


@pytest.fixture
def browser_page():
    require_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 390, "height": 844})  # a phone
        yield page
        browser.close()


def link_in_outbox(outbox: Path, base: str, kind: str) -> str:
    """The /`kind`/ link of the newest email in the outbox that has one, once there is one (the
    app sends its emails just after its answers)."""
    return until(lambda: _newest_link(outbox, base, kind), 20, f"a {kind} link in {outbox}")


def _newest_link(outbox: Path, base: str, kind: str) -> str | None:
    return next(filter(None, (link_in(message, base, kind)
                              for message in reversed(emails_in(outbox)))), None)


def shot(page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def test_subscribe_confirm_change_topics_and_unsubscribe(server, browser_page):
    base, services = server
    outbox, page = Path(services.settings.outbox_dir), browser_page

    page.goto(base + "/")
    page.get_by_label("Email address").fill("ada@example.org")
    page.get_by_label("Robotics").check()
    shot(page, "1-landing")
    page.get_by_role("button", name="Subscribe").click()
    page.get_by_role("heading", name="Check your inbox").wait_for()
    shot(page, "2-check-inbox")

    page.goto(link_in_outbox(outbox, base, "confirm"))
    page.get_by_role("button", name="Confirm").click()
    page.get_by_role("heading", name="Subscription confirmed").wait_for()
    shot(page, "3-confirmed")
    assert subscriber_named(services, "ada@example.org").status == "confirmed"

    page.get_by_role("link", name="Choose topics, time and language").click()
    page.get_by_label("Robotics").uncheck()
    page.get_by_label("Computer Vision").check()
    page.get_by_role("button", name="Save preferences").click()
    page.get_by_text("What changed").wait_for()
    shot(page, "4-preferences-saved")
    assert subscriber_named(services, "ada@example.org").topics == ["Computer Vision"]

    page.goto(link_in_outbox(outbox, base, "unsubscribe"))
    page.get_by_role("button", name="Unsubscribe").click()
    page.get_by_role("heading", name="You are unsubscribed").wait_for()
    shot(page, "5-unsubscribed")
    assert subscriber_named(services, "ada@example.org").status == "unsubscribed"
