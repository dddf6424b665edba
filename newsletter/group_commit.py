"""Rows inserted from many threads at once, several to a transaction ("group commit").

Each caller of `GroupCommit.insert` returns only once its row is committed (or raises the
error that kept it from being), as with a transaction of its own; but while one transaction is
being written, the rows that arrive meanwhile wait for the next, which takes them all. So the
writers never contend for the database's write lock among themselves (SQLite's busy handler
sleeps in growing steps when they do), and a burst costs one commit per batch, not per row.

No thread of its own: the caller that finds nobody writing writes (the "leader"), with every
row waiting so far; once its own row is committed it hands the rows that came meanwhile to the
first of their callers, who writes them next. Each caller so waits for at most two
transactions: the one under way when it came, and its own.
"""

from __future__ import annotations

import threading

from sqlalchemy import Engine, Executable

MAX_BATCH = 100  # rows in one transaction: bounds a statement's size and a batch's wait


class _Waiting:
    """One caller's row, and how its write ended: `error` is None once committed."""

    __slots__ = ("done", "error", "leads", "values")

    def __init__(self, values: dict) -> None:
        self.values, self.done, self.leads, self.error = values, threading.Event(), False, None


class GroupCommit:
    """Insert rows with `statement` (a Core INSERT) on `engine`, batched across threads."""

    def __init__(self, engine: Engine, statement: Executable) -> None:
        self.engine, self.statement = engine, statement
        self._lock = threading.Lock()
        self._queue: list[_Waiting] = []
        self._writing = False

    def insert(self, values: dict) -> None:
        """Insert one row (its columns' values); return once it is committed."""
        me = _Waiting(values)
        with self._lock:
            self._queue.append(me)
            me.leads = not self._writing
            self._writing = True
        while not me.leads:
            me.done.wait()
            if me.error is not None:
                raise me.error
            if not me.leads:
                return
            me.done.clear()  # handed the lead: write the rows that came meanwhile
        self._lead(me)

    def _lead(self, me: _Waiting) -> None:
        """Write batches until `me`'s row is written, then hand the lead on (or give it up)."""
        while True:
            with self._lock:
                batch, self._queue = self._queue[:MAX_BATCH], self._queue[MAX_BATCH:]
            try:
                with self.engine.begin() as connection:
                    connection.execute(self.statement, [w.values for w in batch])
                error = None
            except Exception as failed:  # noqa: BLE001 (each caller of the batch raises it)
                error = failed
            mine = me in batch
            for waiting in batch:
                if waiting is not me:
                    waiting.error = error
                    waiting.done.set()
            if mine:
                break
        with self._lock:
            if self._queue:
                successor = self._queue[0]
                successor.leads = True
                successor.done.set()
            else:
                self._writing = False
        if error is not None:
            raise error
