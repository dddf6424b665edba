"""Engine and session factories, and the schema upgrade (Alembic, never `create_all`)."""

from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from sqlalchemy import Engine, Insert, Table, create_engine, event
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, sessionmaker

ALEMBIC_DIR = Path(__file__).resolve().parent.parent / "alembic"


def make_engine(url: str) -> Engine:
    """An engine for `url`; on SQLite, foreign keys on and a busy timeout for concurrent writers."""
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": 30})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(url, pool_pre_ping=True)


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)


@contextmanager
def session_scope(factory: sessionmaker[Session]) -> Iterator[Session]:
    """A session that commits on success and rolls back on error."""
    session = factory()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


def dialect_insert(session: Session, table: Table):
    """An INSERT of the session's own dialect (PostgreSQL in production, SQLite embedded), so
    that it can say ON CONFLICT DO NOTHING: an upsert both databases run atomically."""
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    return dialect.insert(table)


def insert_ignoring_duplicates(session: Session, model) -> Insert:
    """An INSERT into `model`'s table that skips the rows whose primary key exists already (ON
    CONFLICT DO NOTHING, which also settles two writers racing), on SQLite and PostgreSQL.
    Execute it with a list of rows: SQLAlchemy batches them into few statements."""
    # Core, not the ORM: no bookkeeping per row
    return dialect_insert(session, model.__table__).on_conflict_do_nothing()


def alembic_config(url: str):
    """The Alembic configuration for the migrations in the top-level `alembic/` folder."""
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(ALEMBIC_DIR))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def upgrade(url: str, revision: str = "head") -> None:
    """Bring the database at `url` to `revision` (default: the newest)."""
    from alembic import command

    command.upgrade(alembic_config(url), revision)
