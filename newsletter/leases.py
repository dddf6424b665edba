"""Leases in the database: which processes are alive, and who holds a lock.

A holder (a `newsletter run`, one worker task delivering a batch) has an owner token and a lease
row of its own, renewed by a Heartbeat thread every third of its time-to-live while the process
lives. A process that dies stops renewing: within one lease (NEWSLETTER_LEASE_SECONDS, 30) its
lease expires and what it held is taken over (`ledger.reclaim`). A lock is a lease row under a
known name (RUN): taken by inserting it or by taking over an expired one, renewed by the same
heartbeat, released when its holder ends. Expiry times come from each process's clock (naive
UTC), so the machines must keep time (NTP); the same holds for every time in the ledger.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Self

from sqlalchemy import Engine, delete, exists, or_, update
from sqlalchemy.orm import Session

from newsletter.db import dialect_insert
from newsletter.models import Lease, utcnow

RUN = "run"  # the in-process daily job: one at a time per database

log = logging.getLogger(__name__)


class LeaseHeld(Exception):
    """The lock is held by another live holder: who (`by`) and until when (`until`)."""

    def __init__(self, lease: Lease):
        self.by = lease.note or lease.owner
        self.since, self.until = lease.acquired_at, lease.expires_at
        super().__init__(f"held by {self.by} since {self.since:%H:%M:%S} UTC, its lease running "
                         f"to {self.until:%H:%M:%S} UTC")


def take(session: Session, name: str, owner: str, ttl: dt.timedelta, note: str = "") -> None:
    """Take the lease `name` for `owner` for `ttl` (or renew it, when `owner` holds it), and
    commit. Raises LeaseHeld when another holder's lease is unexpired. Of two takers at once
    only one wins: each statement checks the row it changes."""
    now = utcnow()
    values = {"owner": owner, "acquired_at": now, "expires_at": now + ttl, "note": note[:255]}
    taken = session.execute(
        update(Lease).where(Lease.name == name, or_(Lease.owner == owner, Lease.expires_at <= now))
        .values(**values).execution_options(synchronize_session=False)).rowcount
    if not taken:  # (RETURNING: psycopg reports no row count for ON CONFLICT DO NOTHING)
        taken = session.execute(dialect_insert(session, Lease.__table__).values(name=name, **values)
                                .on_conflict_do_nothing(index_elements=["name"])
                                .returning(Lease.name)).first() is not None
    session.commit()
    if not taken:
        raise LeaseHeld(session.get(Lease, name, populate_existing=True))


def release(session: Session, owner: str) -> None:
    """End every lease of `owner` (its own and its locks), and commit."""
    session.execute(delete(Lease).where(Lease.owner == owner))
    session.commit()


def alive(holder_column, now: dt.datetime):
    """SQL: the holder named by `holder_column` has an unexpired lease at `now` (a NULL holder
    has none)."""
    return exists().where(Lease.owner == holder_column, Lease.expires_at > now)


def forget_expired(session: Session, prefix: str = "") -> list[str]:
    """Delete the expired leases whose name starts with `prefix`, and commit; return their names.
    Deleting one changes nothing for the rows its holder left: they are a dead holder's either
    way. Of two callers at once, each name is returned to one."""
    names = session.scalars(
        delete(Lease).where(Lease.expires_at <= utcnow(), Lease.name.startswith(prefix))
        .returning(Lease.name).execution_options(synchronize_session=False)).all()
    session.commit()
    return list(names)


class Heartbeat:
    """A holder for the length of a `with` block: its own lease and the locks `names`, taken on
    entry (LeaseHeld when another holds one), renewed every third of `ttl` from a daemon thread
    that uses connections of its own, and released on exit, in `session` when given (it is
    committed) or in one of its own. `owner` is the token that rows it holds carry."""

    def __init__(self, engine: Engine, ttl: float, names: Sequence[str] = (), note: str = "",
                 session: Session | None = None):
        self.engine, self.ttl, self.session = engine, dt.timedelta(seconds=ttl), session
        self.owner = uuid.uuid4().hex
        self.names, self.note = [self.owner, *names], note
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._beat, daemon=True, name="lease-heartbeat")

    def __enter__(self) -> Self:
        with self._session() as session:
            try:
                for name in self.names:
                    take(session, name, self.owner, self.ttl, self.note)
            except LeaseHeld:
                release(session, self.owner)
                raise
        self._thread.start()
        return self

    def __exit__(self, *error) -> None:
        self._stop.set()
        self._thread.join()
        try:
            with self._session() as session:
                release(session, self.owner)
        except Exception:  # the leases expire by themselves within `ttl`
            log.warning("could not release the leases of %s", self.owner, exc_info=True)

    @contextmanager
    def _session(self) -> Iterator[Session]:
        """The caller's session when given (on SQLite a second connection would wait for the
        caller's own open write transaction, for ever), else one of its own."""
        if self.session is not None:
            yield self.session
            return
        with Session(self.engine) as session:
            yield session

    def _beat(self) -> None:
        while not self._stop.wait(self.ttl.total_seconds() / 3):
            try:
                self.renew()
            except Exception:  # a database away for a moment: try next beat
                log.warning("could not renew the leases of %s", self.owner, exc_info=True)

    def renew(self) -> None:
        """Move every lease of this holder `ttl` ahead of now."""
        with self.engine.begin() as connection:
            renewed = connection.execute(
                update(Lease.__table__).where(Lease.owner == self.owner)
                .values(expires_at=utcnow() + self.ttl)).rowcount
        if renewed < len(self.names):
            log.warning("%d of the %d leases of %s were lost (expired and taken over)",
                        len(self.names) - renewed, len(self.names), self.owner)
