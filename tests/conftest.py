"""Shared fixtures: a migrated database (SQLite, or the local PostgreSQL), settings pointing at a
temporary outbox, and one small cast of test data."""

from __future__ import annotations

import os
import uuid
from contextlib import contextmanager
from pathlib import Path

import pytest

os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")

from newsletter.config import load_settings  # noqa: E402
from newsletter.db import session_scope, upgrade  # noqa: E402
from newsletter.wiring import Services  # noqa: E402

POSTGRES_ADMIN_URL = os.environ.get(
    "TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)
# A session may run its own Redis on another port (several checkouts testing side by side; one
# test restarts the server it uses)
REDIS_PORT = int(os.environ.get("TEST_REDIS_PORT", "6379"))
SAMPLES = Path(__file__).resolve().parent.parent / "newsletter" / "samples"
FIXTURES = Path(__file__).resolve().parent / "fixtures"


def redis_test_url(database: int) -> str:
    """The URL of one database of the tests' Redis."""
    return f"redis://127.0.0.1:{REDIS_PORT}/{database}"


def service_missing(what: str, error: Exception) -> None:
    """Tests that need a local service fail when CI is set, and skip on a developer's machine."""
    message = f"{what} is not reachable: {error}"
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


@contextmanager
def empty_redis(url: str):
    """The Redis database at `url`, flushed before and after (fails under CI when unreachable)."""
    import redis

    client = redis.Redis.from_url(url)
    try:
        client.flushdb()
    except redis.exceptions.ConnectionError as error:
        service_missing("Redis", error)
    try:
        yield client
    finally:
        client.flushdb()


@pytest.fixture
def stand_in():
    """A real HTTP server on 127.0.0.1 standing in for the feeds (tests/sources/http_stand_in)."""
    from tests.sources.http_stand_in import StandIn

    server = StandIn()
    yield server
    server.stop()


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


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def stored_url(request) -> str:
    """A fresh, migrated database: on SQLite, then on the local PostgreSQL."""
    return request.getfixturevalue("sqlite_url" if request.param == "sqlite" else "postgres_url")


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


def sample_uri(name: str) -> str:
    return (SAMPLES / name).as_uri()
