"""A confirmed reader for the web tests, and the site on each kind of database (the app and the
site are in tests/conftest.py)."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from newsletter.services import Services
from newsletter.web import create_app
from tests.support.site import Site


@pytest.fixture
def reader(cast):
    """A confirmed subscriber of Robotics, reader@example.org."""
    subscriber = cast.reader()
    cast.commit()
    return subscriber


@pytest.fixture
def stored_site(stored_url, settings) -> tuple[Site, Services]:
    """The site and its services on SQLite, then on the local PostgreSQL."""
    services = Services(settings.model_copy(update={"database_url": stored_url}))
    app = create_app(services)
    client = TestClient(app, base_url="https://testserver", raise_server_exceptions=False)
    yield Site(client, Path(settings.outbox_dir)), services
    app.state.notice_sender.stop()
