"""Counting by day (UTC) in SQL: the one GROUP BY that every per-day figure uses."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session


@dataclass(frozen=True)
class Window:
    """The days a figure covers: the `days` UTC days up to and including `last`."""

    last: dt.date
    days: int

    @property
    def first(self) -> dt.date:
        return self.last - dt.timedelta(days=self.days - 1)

    @property
    def start(self) -> dt.datetime:
        """Midnight UTC (naive, as stored) of the first day."""
        return dt.datetime.combine(self.first, dt.time())

    @property
    def end(self) -> dt.datetime:
        """Midnight after the last day."""
        return dt.datetime.combine(self.last + dt.timedelta(days=1), dt.time())

    def dates(self) -> list[dt.date]:
        return [self.first + dt.timedelta(days=n) for n in range(self.days)]


def per_day(session: Session, moment, window: Window, *where, by=None) -> dict:
    """How many rows have `moment` (a DateTime column) on each day of `window`: {day: count},
    or {(day, value of `by`): count} when grouped `by` a column too. Only the window's rows are
    read (through the column's index) and only one row per day (and value) comes back."""
    day = func.date(moment).label("day")
    keys = [day] if by is None else [day, by]
    query = (select(*keys, func.count()).where(moment >= window.start, moment < window.end, *where)
             .group_by(*keys))
    counts = {}
    for *key, count in session.execute(query):
        key[0] = _as_date(key[0])
        counts[key[0] if by is None else tuple(key)] = count
    return counts


def _as_date(value) -> dt.date:
    """SQLite's date() is text ("2026-11-23"); PostgreSQL's is a date."""
    return dt.date.fromisoformat(value) if isinstance(value, str) else value
