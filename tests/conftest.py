"""Shared fixtures: the database (the schema migrated once per session by Alembic; each test in
a transaction rolled back at its end, or with a database of its own when it is marked
`own_database`), settings pointing at a temporary outbox, the cast of test data, the app under a
test client, and the stand-ins for the services we call. Helpers that are not fixtures live in
tests/support/."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")

from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlalchemy.orm import sessionmaker

from newsletter.config import load_settings
from newsletter.db import make_engine, session_scope, upgrade
from newsletter.services import Services
from newsletter.web import create_app
from tests.stubs.feeds import StandIn
from tests.stubs.openai_api import OpenAIStub
from tests.stubs.sendgrid_api import SendGridStub
from tests.support.cast import Cast
from tests.support.databases import (
    copy_of,
    postgres_database,
    rolled_back,
    savepoints_work,
    services_with,
)
from tests.support.site import Site

UNUSED_DATABASE = "sqlite:////nonexistent/mark-the-test-own_database.db"  # fails when opened


def _own_database(request) -> bool:
    return request.node.get_closest_marker("own_database") is not None


def pytest_collection_modifyitems(items) -> None:
    """The web app sends the emails its requests queue from a thread of its own, which reads
    the database while the test does: a test of the app gets a database of its own."""
    for item in items:
        if "app" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.own_database)


@pytest.fixture(scope="session")
def migrated_template(tmp_path_factory) -> Path:
    """The schema built once per session by Alembic (so the migrations run every session);
    every SQLite database of a test starts as a copy of this file, which nothing opens after."""
    path = tmp_path_factory.mktemp("schema") / "template.db"
    upgrade(f"sqlite:///{path}")
    return path


@pytest.fixture(scope="session")
def shared_engine(migrated_template, tmp_path_factory) -> Iterator[Engine]:
    """The database most tests share, each inside a transaction rolled back at its end."""
    engine = make_engine(copy_of(migrated_template, tmp_path_factory.mktemp("shared") / "db"))
    savepoints_work(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def shared_factory(shared_engine) -> Iterator[sessionmaker]:
    with rolled_back(shared_engine) as factory:
        yield factory


@pytest.fixture
def database_url(migrated_template, tmp_path) -> str:
    """A database of this test's own (a copy of the template), for code that opens its own
    connections: the CLI, other threads, other processes."""
    return copy_of(migrated_template, tmp_path / "test.db")


@pytest.fixture(scope="session")
def postgres_template() -> Iterator[str]:
    """The name of a database on the local PostgreSQL migrated once per session, the template
    of every PostgreSQL database of a test."""
    with postgres_database() as url:
        upgrade(url)
        yield url.rsplit("/", 1)[1]


@pytest.fixture
def postgres_url(postgres_template) -> Iterator[str]:
    """A PostgreSQL database of this test's own (the workers' tests: other processes)."""
    with postgres_database(postgres_template) as url:
        yield url


@pytest.fixture(scope="session")
def postgres_engine(postgres_template) -> Iterator[Engine]:
    with postgres_database(postgres_template) as url:
        engine = make_engine(url)
        yield engine
        engine.dispose()


EACH_DATABASE = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]


@pytest.fixture(params=EACH_DATABASE)
def stored_url(request) -> str:
    """A migrated database of this test's own: on SQLite, then on the local PostgreSQL."""
    return request.getfixturevalue("database_url" if request.param == "sqlite" else "postgres_url")


@pytest.fixture
def postgres_factory(postgres_engine) -> Iterator[sessionmaker]:
    """Sessions on the shared PostgreSQL database, inside a transaction rolled back at the end
    (its sequences are not: no test may count on an id)."""
    with rolled_back(postgres_engine) as factory:
        yield factory


@pytest.fixture
def settings(request, tmp_path):
    """The settings of a test: the shared database, or its own with `@pytest.mark.own_database`."""
    own = _own_database(request)
    return load_settings(
        database_url=request.getfixturevalue("database_url") if own else UNUSED_DATABASE,
        outbox_dir=str(tmp_path / "outbox"),
        base_url="https://digest.example.org",
        secret_key="test-secret",
        from_email="Paper Digest <digest@example.org>",
        postal_address="Paper Digest, 1 Test Street, 12345 Testville",
        arxiv_api_url="",  # tests never reach the internet; enrichment tests pass a stand-in
    )


@pytest.fixture
def services(request, settings) -> Services:
    services = Services(settings)
    if not _own_database(request):
        # instance values win over cached_property: the test's connection, its transaction
        factory = request.getfixturevalue("shared_factory")
        services.factory, services.engine = factory, factory.kw["bind"]
    return services


@pytest.fixture
def session(services):
    with session_scope(services.factory) as session:
        yield session


@pytest.fixture
def cast(session, services) -> Cast:
    """The one cast of test data, on the test's session."""
    return Cast(session, services)


@pytest.fixture(params=EACH_DATABASE)
def services_on_each_database(request, services) -> Services:
    """The test's services on the shared SQLite database, then on the shared PostgreSQL one
    (each inside a transaction rolled back at the end): a test that takes it runs on both."""
    if request.param == "postgresql":
        return services_with(services, request.getfixturevalue("postgres_factory"))
    return services


@pytest.fixture
def cast_on_each_database(services_on_each_database) -> Iterator[Cast]:
    """The cast of test data on SQLite, then on PostgreSQL."""
    with session_scope(services_on_each_database.factory) as session:
        yield Cast(session, services_on_each_database)


@pytest.fixture
def cli_workdir(tmp_path, monkeypatch) -> Path:
    """The working directory and environment of a `newsletter` command, with no database yet."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("NEWSLETTER_DATABASE_URL", f"sqlite:///{tmp_path / 'cli.db'}")
    monkeypatch.setenv("NEWSLETTER_OUTBOX_DIR", str(tmp_path / "outbox"))
    return tmp_path


@pytest.fixture
def cli_env(cli_workdir, migrated_template) -> Path:
    """cli_workdir with its database migrated already (a copy of the template)."""
    copy_of(migrated_template, cli_workdir / "cli.db")
    return cli_workdir


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
