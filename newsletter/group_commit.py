"""Rows inserted by many requests at once, several to a transaction ("group commit").

A request awaits `GroupCommit.insert` until its row is committed (or gets the error that kept
it from being), as with a transaction of its own; but the rows that arrive while one
transaction is being written wait for the next, which takes them all. One thread writes them,
off the event loop, for as long as rows keep coming; so requests never contend among themselves
for the database's write lock (SQLite's busy handler sleeps in growing steps when they do), a
burst costs one commit per batch rather than per row, and the request needs no worker thread
of its own to wait in.
"""

from __future__ import annotations

import asyncio
import threading

from sqlalchemy import Engine, Executable

MAX_BATCH = 100  # rows in one transaction: bounds a statement's size and a batch's wait


class GroupCommit:
    """Insert rows with `statement` (a Core INSERT) on `engine`, batched across requests."""

    def __init__(self, engine: Engine, statement: Executable) -> None:
        self.engine, self.statement = engine, statement
        self._lock = threading.Lock()
        self._queue: list[tuple[dict, asyncio.AbstractEventLoop, asyncio.Future]] = []
        self._writing = False

    async def insert(self, values: dict) -> None:
        """Insert one row (its columns' values); return once it is committed."""
        loop = asyncio.get_running_loop()
        committed = loop.create_future()
        with self._lock:
            self._queue.append((values, loop, committed))
            start, self._writing = not self._writing, True
        if start:
            loop.run_in_executor(None, self._write_all)
        await committed

    def _write_all(self) -> None:
        """Write batches, each in one transaction, until no row waits; settle each row's
        future once its batch is committed or failed."""
        while True:
            with self._lock:
                batch, self._queue = self._queue[:MAX_BATCH], self._queue[MAX_BATCH:]
                if not batch:
                    self._writing = False
                    return
            try:
                with self.engine.begin() as connection:
                    connection.execute(self.statement, [values for values, _, _ in batch])
                error = None
            except Exception as failed:  # noqa: BLE001 (each request of the batch raises it)
                error = failed
            for _, loop, committed in batch:
                try:
                    loop.call_soon_threadsafe(_settle, committed, error)
                except RuntimeError:  # its loop closed: nobody waits for that row any more
                    pass


def _settle(committed: asyncio.Future, error: Exception | None) -> None:
    if committed.done():  # the request was cancelled meanwhile (its client went away)
        return
    if error is None:
        committed.set_result(None)
    else:
        committed.set_exception(error)
