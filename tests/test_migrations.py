"""The schema is built by Alembic, on SQLite and on the local PostgreSQL."""

import pytest
from sqlalchemy import create_engine, inspect

from newsletter.db import alembic_config, upgrade
from newsletter.models import Base

TABLES = {"papers", "paper_sources", "paper_topics", "summaries", "sources", "subscribers",
          "editions", "edition_papers", "deliveries", "sent_papers", "runs"}


def tables_of(url: str) -> set[str]:
    engine = create_engine(url)
    try:
        return set(inspect(engine).get_table_names())
    finally:
        engine.dispose()


def test_upgrade_builds_every_table_on_sqlite(sqlite_url):
    assert TABLES <= tables_of(sqlite_url)


@pytest.mark.postgres
def test_upgrade_builds_every_table_on_postgresql(postgres_url):
    assert TABLES <= tables_of(postgres_url)


def test_migrations_match_the_models(sqlite_url):
    """Autogenerate finds nothing to do: the models and the migrations agree."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    engine = create_engine(sqlite_url)
    with engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    engine.dispose()
    assert differences == []


def test_downgrade_to_base_and_up_again(sqlite_url):
    from alembic import command

    command.downgrade(alembic_config(sqlite_url), "base")
    assert tables_of(sqlite_url) <= {"alembic_version"}
    upgrade(sqlite_url)
    assert TABLES <= tables_of(sqlite_url)


def test_deliveries_are_unique_per_subscriber_and_edition(sqlite_url):
    engine = create_engine(sqlite_url)
    constraints = inspect(engine).get_unique_constraints("deliveries")
    engine.dispose()
    assert {"subscriber_id", "edition_id"} in [set(c["column_names"]) for c in constraints]
