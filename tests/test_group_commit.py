"""Group commit: each insert returns once its row is committed; rows that come while a
transaction is written go together in the next; a failed batch fails each of its requests and
none after them."""

import asyncio
import threading

import pytest
from sqlalchemy import Column, Integer, MetaData, String, Table, event, func, insert, select

from newsletter.db import make_engine
from newsletter.group_commit import GroupCommit

METADATA = MetaData()
ROWS = Table("rows", METADATA, Column("id", Integer, primary_key=True),
             Column("name", String(20), unique=True))


@pytest.fixture
def engine(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'rows.db'}")
    METADATA.create_all(engine)
    yield engine
    engine.dispose()


def count(engine, name=None) -> int:
    with engine.connect() as connection:
        query = select(func.count()).select_from(ROWS)
        return connection.scalar(query if name is None else query.where(ROWS.c.name == name))


class HeldInserts:
    """Counts the INSERTs `engine` runs, and holds the first one until `release` is set (so
    that other rows queue up behind it meanwhile)."""

    def __init__(self, engine) -> None:
        self.inserts, self.release = 0, threading.Event()
        event.listen(engine, "before_cursor_execute", self._before)

    def _before(self, _connection, _cursor, statement, *_args) -> None:
        if statement.startswith("INSERT"):
            self.inserts += 1
            if self.inserts == 1:
                assert self.release.wait(60)


async def insert_one(writer: GroupCommit, name: str):
    """True when the row was there the moment the insert returned; else what it raised."""
    try:
        await writer.insert({"name": name})
    except Exception as error:  # noqa: BLE001
        return error
    return count(writer.engine, name) == 1


async def behind_a_held_insert(writer: GroupCommit, held: HeldInserts, names: list[str]):
    """Insert "first", then `names` while its transaction is held; the outcomes of all."""
    first = asyncio.ensure_future(insert_one(writer, "first"))
    while held.inserts == 0:
        await asyncio.sleep(0.01)
    later = [asyncio.ensure_future(insert_one(writer, name)) for name in names]
    while len(writer._queue) < len(names):  # all of them queued behind the held transaction
        await asyncio.sleep(0.01)
    held.release.set()
    outcomes = await asyncio.wait_for(asyncio.gather(first, *later), 60)
    return dict(zip(["first", *names], outcomes, strict=True))


def test_each_insert_returns_committed_and_those_that_came_meanwhile_share_a_transaction(
        engine):
    writer, held = GroupCommit(engine, insert(ROWS)), HeldInserts(engine)
    names = [f"row-{n}" for n in range(20)]
    outcomes = asyncio.run(behind_a_held_insert(writer, held, names))
    assert outcomes == {"first": True, **{name: True for name in names}}
    assert held.inserts == 2 and count(engine) == 21  # one transaction for the twenty


def test_a_failed_batch_fails_each_of_its_requests_and_the_next_insert_is_written(engine):
    writer = GroupCommit(engine, insert(ROWS))
    asyncio.run(insert_one(writer, "taken"))
    held = HeldInserts(engine)
    outcomes = asyncio.run(behind_a_held_insert(writer, held, ["taken", "new"]))  # one batch
    assert outcomes["first"] is True
    assert all(isinstance(outcomes[name], Exception) for name in ("taken", "new")), outcomes
    assert count(engine, "new") == 0
    assert asyncio.run(insert_one(writer, "after")) is True  # the writer did not stop at the error
