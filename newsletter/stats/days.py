"""Counting by day (UTC) in SQL: the one query that every per-day figure uses."""

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

    def bounds(self) -> list[tuple[dt.datetime, dt.datetime]]:
        """Each day's [midnight, next midnight) (naive UTC, as stored)."""
        return [(self.start + dt.timedelta(days=n), self.start + dt.timedelta(days=n + 1))
                for n in range(self.days)]


def per_day(session: Session, moment, window: Window, *where) -> dict[dt.date, int]:
    """How many rows have `moment` (an indexed DateTime column) on each day of `window` and
    match `where`: {day: count}, the days with none left out. One statement of one count per
    day over a range of the column's index: grouping by date(moment) would compute the date of
    every row and sort them all (ten times slower on SQLite for a day of 700,000 emails)."""
    counts = [select(func.count()).where(moment >= start, moment < end, *where).scalar_subquery()
              for start, end in window.bounds()]
    row = session.execute(select(*counts)).one()
    return {day: count for day, count in zip(window.dates(), row, strict=True) if count}
