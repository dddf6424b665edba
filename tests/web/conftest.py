"""The web app under a test client, and a confirmed reader."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from newsletter import subscriptions
from newsletter.web import create_app
from newsletter.wiring import Services
from tests.web.pages import Site


@pytest.fixture
def app(services):
    app = create_app(services)
    yield app
    app.state.notice_sender.stop()  # its thread would outlive the test's database


@pytest.fixture
def site(app, settings) -> Site:
    # https: the CSRF cookie is Secure because the base URL is https
    client = TestClient(app, base_url="https://testserver", raise_server_exceptions=False)
    return Site(client, Path(settings.outbox_dir))


@pytest.fixture
def reader(services, session):
    """A confirmed subscriber."""
    subscriber = subscriptions.subscribe(session, "reader@example.org", ["Robotics"],
                                         services.taxonomy, confirmed=True)
    session.commit()
    return subscriber


@pytest.fixture
def stored_site(stored_url, settings) -> tuple[Site, Services]:
    """The site and its services on SQLite, then on the local PostgreSQL."""
    services = Services(settings.model_copy(update={"database_url": stored_url}))
    app = create_app(services)
    client = TestClient(app, base_url="https://testserver", raise_server_exceptions=False)
    yield Site(client, Path(settings.outbox_dir)), services
    app.state.notice_sender.stop()
