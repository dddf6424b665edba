"""Group commit: each insert returns once its row is committed; rows that come while a
transaction is written go together in the next; a failed batch fails each of its callers and
nobody after them."""

import threading
import time

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


class Transactions:
    """Counts the INSERTs `engine` runs; holds the first one until `release` (so that others
    queue up behind it meanwhile)."""

    def __init__(self, engine) -> None:
        self.inserts, self.release, self.started = 0, threading.Event(), threading.Event()
        event.listen(engine, "before_cursor_execute", self._before)

    def _before(self, _connection, _cursor, statement, *_args) -> None:
        if statement.startswith("INSERT"):
            self.inserts += 1
            if self.inserts == 1:
                self.started.set()
                assert self.release.wait(60)


def insert_all(writer: GroupCommit, names: list[str]) -> tuple[dict, list[threading.Thread]]:
    """Insert each name from a thread of its own; what each insert returned or raised, and
    whether its row was there the moment it returned."""
    outcomes: dict[str, object] = {}

    def one(name: str) -> None:
        try:
            writer.insert({"name": name})
            outcomes[name] = count(writer.engine, name) == 1
        except Exception as error:  # noqa: BLE001
            outcomes[name] = error

    threads = [threading.Thread(target=one, args=(name,)) for name in names]
    for thread in threads:
        thread.start()
    return outcomes, threads


def wait_until(condition) -> None:
    deadline = time.monotonic() + 60
    while not condition():
        assert time.monotonic() < deadline
        time.sleep(0.01)


def test_each_insert_returns_committed_and_those_that_came_meanwhile_share_a_transaction(
        engine):
    writer = GroupCommit(engine, insert(ROWS))
    seen = Transactions(engine)
    outcomes, first = insert_all(writer, ["first"])
    assert seen.started.wait(60)
    later, threads = insert_all(writer, [f"row-{n}" for n in range(20)])
    wait_until(lambda: len(writer._queue) == 20)  # queued behind the transaction under way
    seen.release.set()
    for thread in first + threads:
        thread.join(60)  # a caller left waiting for ever fails the outcomes below
    assert outcomes == {"first": True}
    assert later == {f"row-{n}": True for n in range(20)}
    assert seen.inserts == 2 and count(engine) == 21  # one transaction for the twenty


def test_a_failed_batch_fails_each_of_its_callers_and_the_next_insert_is_written(engine):
    writer = GroupCommit(engine, insert(ROWS))
    writer.insert({"name": "taken"})
    seen = Transactions(engine)
    outcomes, first = insert_all(writer, ["first"])
    assert seen.started.wait(60)
    later, threads = insert_all(writer, ["taken", "new"])  # one batch: "taken" fails it
    wait_until(lambda: len(writer._queue) == 2)
    seen.release.set()
    for thread in first + threads:
        thread.join(60)  # a caller left waiting for ever fails the outcomes below
    assert outcomes == {"first": True}
    assert all(isinstance(later[name], Exception) for name in ("taken", "new")), later
    assert count(engine, "new") == 0
    writer.insert({"name": "after"})  # the failure handed the lead on: nobody waits for ever
    assert count(engine, "after") == 1
