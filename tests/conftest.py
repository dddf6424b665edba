"""Shared fixtures: a migrated database (SQLite, or the local PostgreSQL), settings pointing at a
temporary outbox, the app under a test client, and the stand-ins for the services we call.
Helpers that are not fixtures live in tests/support/."""

from __future__ import annotations

import os
import uuid
from pathlib import Path

import pytest

os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")

from fastapi.testclient import TestClient  # noqa: E402

from newsletter.config import load_settings  # noqa: E402
from newsletter.db import session_scope, upgrade  # noqa: E402
from newsletter.web import create_app  # noqa: E402
from newsletter.wiring import Services  # noqa: E402
from tests.stubs.feeds import StandIn  # noqa: E402
from tests.stubs.openai_api import OpenAIStub  # noqa: E402
from tests.stubs.sendgrid_api import SendGridStub  # noqa: E402
from tests.support.cast import Cast  # noqa: E402
from tests.support.local_services import POSTGRES_ADMIN_URL, service_missing  # noqa: E402
from tests.support.site import Site  # noqa: E402


@pytest.fixture
def sqlite_url(tmp_path) -> str:
    url = f"sqlite:///{tmp_path / 'test.db'}"
    upgrade(url)
    return url


@pytest.fixture
def postgres_url():
    """A fresh, migrated database on the local PostgreSQL, dropped afterwards."""
    from sqlalchemy import create_engine, text

    name = f"newsletter_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as error:  # connection refused, no such role...
        service_missing("PostgreSQL", error)
    url = POSTGRES_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    upgrade(url)
    yield url
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture
def settings(sqlite_url, tmp_path):
    return load_settings(
        database_url=sqlite_url,
        outbox_dir=str(tmp_path / "outbox"),
        base_url="https://digest.example.org",
        secret_key="test-secret",
        from_email="Paper Digest <digest@example.org>",
        postal_address="Paper Digest, 1 Test Street, 12345 Testville",
        arxiv_api_url="",  # tests never reach the internet; enrichment tests pass a stand-in
    )


@pytest.fixture
def services(settings) -> Services:
    return Services(settings)


@pytest.fixture
def session(services):
    with session_scope(services.factory) as session:
        yield session


@pytest.fixture
def cast(session, services) -> Cast:
    """The one cast of test data, on the test's session."""
    return Cast(session, services)


@pytest.fixture
def cli_env(tmp_path, monkeypatch) -> Path:
    """The working directory and environment of a `newsletter` command run by a test."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("NEWSLETTER_DATABASE_URL", f"sqlite:///{tmp_path / 'cli.db'}")
    monkeypatch.setenv("NEWSLETTER_OUTBOX_DIR", str(tmp_path / "outbox"))
    return tmp_path


@pytest.fixture
def app(services):
    return create_app(services)


@pytest.fixture
def site(app, settings) -> Site:
    # https: the CSRF cookie is Secure because the base URL is https
    client = TestClient(app, base_url="https://testserver", raise_server_exceptions=False)
    return Site(client, Path(settings.outbox_dir))


@pytest.fixture
def stand_in():
    """The stand-in for the feeds and APIs we read, on 127.0.0.1."""
    server = StandIn()
    yield server
    server.stop()


@pytest.fixture
def openai_stub():
    """The stand-in for an OpenAI-compatible model server, on 127.0.0.1."""
    with OpenAIStub() as server:
        yield server


@pytest.fixture
def sendgrid_stub():
    """The stand-in for SendGrid's v3 API, on 127.0.0.1."""
    with SendGridStub() as stub:
        yield stub
