"""The tests' databases: the schema migrated once per session (a SQLite file and a PostgreSQL
template that every test database starts as), and sessions joined to one transaction that the
test rolls back at its end."""

from __future__ import annotations

import shutil
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.orm import Session, sessionmaker

from newsletter.services import Services
from tests.support.local_services import POSTGRES_ADMIN_URL, service_missing


def copy_of(template: Path, path: Path) -> str:
    """The URL of a new SQLite database at `path`, a copy of the migrated `template`."""
    shutil.copyfile(template, path)
    return f"sqlite:///{path}"


def savepoints_work(engine: Engine) -> None:
    """pysqlite begins transactions itself and not before a SAVEPOINT, so a session's first
    SAVEPOINT would start (and its RELEASE commit) the whole transaction: let SQLAlchemy emit
    BEGIN (SQLAlchemy's recipe for pysqlite, "Serializable isolation / Savepoints")."""

    @event.listens_for(engine, "connect")
    def _no_implicit_begin(dbapi_connection, _record):
        dbapi_connection.isolation_level = None

    @event.listens_for(engine, "begin")
    def _begin(connection):
        connection.exec_driver_sql("BEGIN")


@contextmanager
def rolled_back(engine: Engine) -> Iterator[sessionmaker[Session]]:
    """Sessions that join one transaction, rolled back at the end: code that commits releases a
    savepoint, a rollback returns to it (SQLAlchemy 2, "Joining a Session into an External
    Transaction"). The sessions share one connection: use them from one thread at a time."""
    with engine.connect() as connection:
        outer = connection.begin()
        try:
            yield sessionmaker(bind=connection, expire_on_commit=False,
                               join_transaction_mode="create_savepoint")
        finally:
            outer.rollback()


@contextmanager
def postgres_database(template: str | None = None) -> Iterator[str]:
    """The URL of a new database on the local PostgreSQL (a copy of `template`, or empty),
    dropped at the end."""
    name = f"newsletter_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
    copy = f' TEMPLATE "{template}"' if template else ""
    try:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"{copy}'))
    except Exception as error:  # noqa: BLE001 (connection refused, no such role...)
        admin.dispose()
        service_missing("PostgreSQL", error)
    try:
        yield POSTGRES_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
        admin.dispose()


def services_with(services: Services, factory: sessionmaker | None = None,
                  **settings) -> Services:
    """Services with other settings (a webhook key, a Redis URL...) on the same database, or on
    the database of `factory`."""
    other = Services(services.settings.model_copy(update=settings))
    # instance values win over cached_property
    other.factory = factory or services.factory
    other.engine = factory.kw["bind"] if factory else services.engine
    return other
