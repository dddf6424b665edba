"""Engine and session factories, and the schema upgrade (Alembic, never `create_all`)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import (
    JSON,
    ColumnClause,
    Engine,
    Insert,
    Subquery,
    Table,
    bindparam,
    cast,
    create_engine,
    event,
    func,
    literal_column,
    select,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, sessionmaker

ALEMBIC_DIR = Path(__file__).resolve().parent.parent / "alembic"


# the web app's worker threads (anyio's default limit, 40) and its sender: with fewer kept, a
# busy app closed and reopened SQLite connections per request, each time running the pragmas
SQLITE_POOL_SIZE = 41


def make_engine(url: str) -> Engine:
    """An engine for `url`; on SQLite, foreign keys on, write-ahead logging, a busy timeout
    for concurrent writers (see _sqlite_pragmas) and a connection kept for each thread."""
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": 30}, pool_size=SQLITE_POOL_SIZE)
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(url, pool_pre_ping=True)


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    """The embedded database's settings, on every connection. Write-ahead logging lets readers
    go on while one connection writes (a page is never held up by the sender recording a
    sign-up), and with synchronous=NORMAL a commit is an append to the log, synced at
    checkpoints rather than at every commit: a power cut may lose the last commits, never
    corrupt the file. The mode is kept in the file, so every process sharing it gets it."""
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
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


def rows_table(session: Session, rows: Sequence[Sequence], *columns: ColumnClause) -> Subquery:
    """`rows` (each the values of `columns`, each a `sqlalchemy.column(name, type)`) as a table
    to select from or join, bound as one JSON parameter whatever their number: a statement over
    a thousand rows then binds and converts one value, not a thousand times each column."""
    # each database's own JSON array reader; both read an element the same way
    elements = (func.json_array_elements if session.get_bind().dialect.name == "postgresql"
                else func.json_each)
    source = elements(bindparam(None, list(rows), type_=JSON)).table_valued("value")
    values = (cast(source.c.value.op("->>")(literal_column(str(position))), each.type)
              .label(each.name) for position, each in enumerate(columns))
    return select(*values).select_from(source).subquery()


def alembic_config(url: str):
    """The Alembic configuration for the migrations in the top-level `alembic/` folder."""
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(ALEMBIC_DIR))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def modelled(name: str | None, type_: str, parent_names: dict) -> bool:
    """Whether a schema object is one the models describe (Alembic's `include_name` hook). The
    full-text index of paper search is each database's own, made by a migration and never by
    the models: FTS5's table and its shadow tables on SQLite, a tsvector column and its GIN
    index on PostgreSQL."""
    if type_ == "table":
        return not (name or "").startswith("paper_search_fts")
    if type_ == "column":
        return (parent_names.get("table_name"), name) != ("paper_search", "document")
    return not (type_ == "index" and name == "ix_paper_search_document")


def upgrade(url: str, revision: str = "head") -> None:
    """Bring the database at `url` to `revision` (default: the newest)."""
    from alembic import command

    command.upgrade(alembic_config(url), revision)


def location(url: str) -> str:
    """Where the database at `url` is, to tell the user: a SQLite file's absolute path, or the
    URL without its password."""
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
        return str(Path(parsed.database).resolve())
    return parsed.render_as_string(hide_password=True)


def missing_schema(url: str) -> str | None:
    """Why the database at `url` cannot be read as it is (no such SQLite file, no schema, an
    older schema), or None when it is at the newest one. Creates nothing: a SQLite file is
    looked for before anything connects to it."""
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
        if not Path(parsed.database).is_file():
            return f"there is no database at {location(url)}"
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            current = MigrationContext.configure(connection).get_current_revision()
    finally:
        engine.dispose()
    head = ScriptDirectory.from_config(alembic_config(url)).get_current_head()
    if current is None:
        return f"the database at {location(url)} has no newsletter tables yet"
    if current != head:
        return f"the database at {location(url)} is at schema {current}, this version needs {head}"
    return None
