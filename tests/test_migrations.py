"""The schema is built by Alembic, on SQLite and on the local PostgreSQL: here from an empty
database, and once a session for the template every test database copies."""

import pytest
from sqlalchemy import create_engine, inspect, text

from newsletter.db import alembic_config, modelled, upgrade
from newsletter.models import Base
from tests.support.databases import postgres_database

TABLES = set(Base.metadata.tables)  # every table the models name


def tables_of(url: str) -> set[str]:
    """The tables of the database at `url`, Alembic's own bookkeeping and the database's own
    full-text index left out."""
    engine = create_engine(url)
    try:
        names = set(inspect(engine).get_table_names()) - {"alembic_version"}
        return {name for name in names if modelled(name, "table", {})}
    finally:
        engine.dispose()


def test_upgrade_builds_every_table_on_sqlite(tmp_path):
    url = f"sqlite:///{tmp_path / 'empty.db'}"
    upgrade(url)
    assert tables_of(url) == TABLES


@pytest.mark.postgres
def test_upgrade_builds_every_table_on_postgresql():
    with postgres_database() as url:
        upgrade(url)
        assert tables_of(url) == TABLES


def test_migrations_match_the_models(stored_url):
    """Autogenerate finds nothing to do: the models and the migrations agree, on both
    databases."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    engine = create_engine(stored_url)
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"include_name": modelled})
        differences = compare_metadata(context, Base.metadata)
    engine.dispose()
    assert differences == []


def test_downgrade_to_base_and_up_again(database_url):
    from alembic import command

    command.downgrade(alembic_config(database_url), "base")
    assert tables_of(database_url) == set()
    upgrade(database_url)
    assert tables_of(database_url) == TABLES


def test_deliveries_are_unique_per_subscriber_and_edition(database_url):
    engine = create_engine(database_url)
    constraints = inspect(engine).get_unique_constraints("deliveries")
    engine.dispose()
    assert {"subscriber_id", "edition_id"} in [set(c["column_names"]) for c in constraints]


def insert_row(connection, table: str, **values) -> None:
    """A row of an older schema's table: these values, and a plain one in every other NOT NULL
    column (the models describe the newest schema only)."""
    plain = {"INTEGER": 0, "FLOAT": 0.0, "BOOLEAN": True, "DATE": "2026-11-20",
             "DATETIME": "2026-11-20 00:00:00", "JSON": "[]"}
    row = {column["name"]: plain.get(str(column["type"]).split("(")[0], "x")
           for column in inspect(connection).get_columns(table) if not column["nullable"]}
    row.update(values)
    names = ", ".join(row)
    connection.execute(text(f"INSERT INTO {table} ({names}) VALUES "
                            f"({', '.join(':' + name for name in row)})"), row)


def test_0009_moves_paper_lists_to_digest_papers_and_back(tmp_path):
    """The deliveries' JSON lists become shared digest_papers rows (equal lists, one row), and
    a downgrade rebuilds them and sent_papers from the sent rows."""
    from alembic import command

    url = f"sqlite:///{tmp_path / 'old.db'}"
    command.upgrade(alembic_config(url), "0008")
    engine = create_engine(url)
    both = '["p1", "p2"]'
    with engine.begin() as connection:
        for paper in ("p1", "p2"):
            insert_row(connection, "papers", id=paper)
        insert_row(connection, "editions", id=1)
        for number, status, papers in ((1, "sent", both), (2, "sent", both), (3, "empty", "[]")):
            insert_row(connection, "subscribers", id=number, email=f"r{number}@example.org")
            insert_row(connection, "deliveries", id=number, subscriber_id=number, edition_id=1,
                       status=status, paper_ids=papers)
        for subscriber, paper in ((1, "p1"), (1, "p2"), (2, "p1"), (2, "p2")):
            insert_row(connection, "sent_papers", subscriber_id=subscriber, paper_id=paper,
                       delivery_id=subscriber)
    upgrade(url)
    with engine.connect() as connection:
        assert connection.execute(text("SELECT paper_ids FROM digest_papers")).all() == [(both,)]
        assert connection.execute(text(
            "SELECT id, digest_papers_id FROM deliveries ORDER BY id")).all() == [
            (1, 1), (2, 1), (3, None)]
    command.downgrade(alembic_config(url), "0008")
    with engine.connect() as connection:
        assert connection.execute(text("SELECT subscriber_id, paper_id, delivery_id"
                                       " FROM sent_papers ORDER BY 1, 2")).all() == [
            (1, "p1", 1), (1, "p2", 1), (2, "p1", 2), (2, "p2", 2)]
        assert connection.execute(text("SELECT paper_ids FROM deliveries ORDER BY id")).all() == [
            (both,), (both,), ("[]",)]
    engine.dispose()


def test_upgrading_an_old_sqlite_database_keeps_its_consents_and_deliveries(tmp_path):
    """Migrations that rebuild `subscribers` on SQLite (0005, 0007, 0010) drop the old copy:
    with foreign keys on, that drop took every consent and delivery pointing at it."""
    from alembic import command

    url = f"sqlite:///{tmp_path / 'old.db'}"
    command.upgrade(alembic_config(url), "0004")
    engine = create_engine(url)
    with engine.begin() as connection:
        insert_row(connection, "subscribers", id=1, email="r1@example.org")
        insert_row(connection, "consents", id=1, subscriber_id=1, form_version="v1")
        insert_row(connection, "editions", id=1)
        insert_row(connection, "deliveries", id=1, subscriber_id=1, edition_id=1,
                   paper_ids="[]")
    upgrade(url)
    with engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM consents")).scalar() == 1
        assert connection.execute(text("SELECT count(*) FROM deliveries")).scalar() == 1
    engine.dispose()


def test_0010_gives_every_subscriber_a_link_secret_and_never_reuses_an_id(tmp_path):
    from alembic import command

    url = f"sqlite:///{tmp_path / 'old.db'}"
    command.upgrade(alembic_config(url), "0009")
    engine = create_engine(url)
    with engine.begin() as connection:
        for number in (1, 2, 3):
            insert_row(connection, "subscribers", id=number, email=f"r{number}@example.org")
        connection.execute(text("DELETE FROM subscribers WHERE id = 3"))
    upgrade(url)
    with engine.begin() as connection:
        secrets = connection.execute(text("SELECT token_secret FROM subscribers")).scalars().all()
        assert len(set(secrets)) == 2 and all(secrets)
        assert "AUTOINCREMENT" in connection.execute(text(
            "SELECT sql FROM sqlite_master WHERE name = 'subscribers'")).scalar()
        connection.execute(text("DELETE FROM subscribers WHERE id = 2"))
        insert_row(connection, "subscribers", id=None, email="new@example.org",
                   token_secret="s")
        # 2 was taken once; 3 was deleted before the upgrade, which SQLite could not know
        assert connection.execute(text(
            "SELECT id FROM subscribers WHERE email = 'new@example.org'")).scalar() == 3
    command.downgrade(alembic_config(url), "0009")
    upgrade(url)
    engine.dispose()


def test_0017_never_hands_out_a_deleted_deliverys_id_again(tmp_path):
    from alembic import command

    url = f"sqlite:///{tmp_path / 'old.db'}"
    command.upgrade(alembic_config(url), "0016")
    engine = create_engine(url)
    with engine.begin() as connection:
        insert_row(connection, "subscribers", id=1, email="r@example.org", token_secret="s")
        for day in (1, 2):
            insert_row(connection, "editions", id=day, date=f"2026-11-2{day}")
            insert_row(connection, "deliveries", id=day, subscriber_id=1, edition_id=day,
                       status="sent", digest_papers_id=None)
    upgrade(url)
    with engine.begin() as connection:
        assert "AUTOINCREMENT" in connection.execute(text(
            "SELECT sql FROM sqlite_master WHERE name = 'deliveries'")).scalar()
        connection.execute(text("DELETE FROM deliveries WHERE id = 2"))
        insert_row(connection, "deliveries", id=None, subscriber_id=1, edition_id=2,
                   status="claimed", digest_papers_id=None)
        assert connection.execute(text("SELECT max(id) FROM deliveries")).scalar() == 3
    command.downgrade(alembic_config(url), "0016")
    upgrade(url)
    engine.dispose()


@pytest.mark.postgres
def test_0010_gives_every_subscriber_a_link_secret_on_postgresql(postgres_url):
    from alembic import command

    command.downgrade(alembic_config(postgres_url), "0009")
    engine = create_engine(postgres_url)
    with engine.begin() as connection:
        for number in (1, 2):
            insert_row(connection, "subscribers", id=number, email=f"r{number}@example.org",
                       created_at="2026-11-20 00:00:00", updated_at="2026-11-20 00:00:00")
    upgrade(postgres_url)
    with engine.connect() as connection:
        secrets = connection.execute(text("SELECT token_secret FROM subscribers")).scalars().all()
    engine.dispose()
    assert len(set(secrets)) == 2 and all(secrets)


def test_0016_indexes_every_stored_paper_with_its_summary_for_search(tmp_path):
    """The papers stored before search existed are found by their words and their summary's."""
    from alembic import command
    from sqlalchemy.orm import Session

    from newsletter.search.query import search
    from newsletter.summarize.summaries import content_hash

    url = f"sqlite:///{tmp_path / 'old.db'}"
    command.upgrade(alembic_config(url), "0014")
    engine = create_engine(url)
    with engine.begin() as connection:
        insert_row(connection, "papers", id="2611.00001", title="Sparse transformers",
                   abstract="Cheaper attention.", authors='["Ada Lovelace"]')
        insert_row(connection, "summaries", content_hash=content_hash(
            "Sparse transformers", "Cheaper attention."), language="en",
            fields='{"tldr": "Zebra crossings, counted."}')
    upgrade(url)
    with Session(engine) as session:
        for query in ("sparse", "lovelace", "cheaper", "zebra"):
            assert [paper.id for paper in search(session, query).papers] == ["2611.00001"]
    command.downgrade(alembic_config(url), "0014")
    engine.dispose()
    engine = create_engine(url)
    assert not [name for name in inspect(engine).get_table_names() if "search" in name]
    engine.dispose()
