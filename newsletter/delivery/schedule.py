"""When a subscriber's digest is due: their delivery hour, in their own time zone. Pure.

A daily subscriber gets the edition of date D at D, `delivery_hour`:00 on their own clock; a weekly
subscriber only gets the editions dated on a Monday (their Monday), with the week's best papers.
An hour that does not exist on a day (the spring-forward gap) is reached one hour later on the
wall clock; an hour that happens twice (fall back) is its first occurrence. An unknown time zone
is read as UTC rather than never sending.

A reader who confirms after their hour has passed gets that day's edition at the next run (a
newsletter that stays silent for a day after you joined looks broken), never an older one.
`why_not_due` says in words why a reader gets nothing yet, for the run report.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

DAILY, WEEKLY = "daily", "weekly"
WEEKLY_DAY = 0  # Monday: the week's papers are read at the start of the next one
UTC = dt.UTC


def zone(name: str | None) -> dt.tzinfo:
    """The IANA zone `name`, UTC when it is unset or unknown."""
    try:
        return ZoneInfo(name) if name else UTC
    except (ZoneInfoNotFoundError, ValueError):
        return UTC


def due_at(subscriber, date: dt.date) -> dt.datetime | None:
    """The instant (naive UTC, as the database stores times) the digest of the edition of `date`
    is due for `subscriber`; None when they get no digest that day (weekly, not their weekday).
    `subscriber` needs `frequency`, `delivery_hour` and `timezone`."""
    return _due_at(subscriber.frequency, subscriber.delivery_hour, subscriber.timezone, date)


@lru_cache(maxsize=4096)  # a run asks for each reader: few distinct answers, costly to compute
def _due_at(frequency: str, delivery_hour: int | None, timezone: str | None,
            date: dt.date) -> dt.datetime | None:
    if frequency == WEEKLY and date.weekday() != WEEKLY_DAY:
        return None
    local = dt.datetime.combine(date, dt.time(_hour(delivery_hour)), tzinfo=zone(timezone))
    # fold=0: in a gap the pre-transition offset applies (an hour later on the wall clock).
    return local.astimezone(UTC).replace(tzinfo=None)


def is_due(subscriber, date: dt.date, now: dt.datetime | None) -> bool:
    """Whether the digest of `date` is due at `now` (naive UTC); `now=None` ignores the hour
    but not the weekday of weekly subscribers (the demo, "send all due"). When the hour counts,
    a reader confirmed after that edition's hour (`confirmed_at`, when known) still gets it if
    they confirmed on the edition's own day (their clock), not if they joined on a later one."""
    moment = due_at(subscriber, date)
    if moment is None or now is None:
        return moment is not None
    return moment <= now and not _joined_after(subscriber, date, moment)


def _joined_after(subscriber, date: dt.date, moment: dt.datetime) -> bool:
    """Whether the reader was confirmed after the edition's hour, on a later day than the
    edition's own on their clock: that edition is before their time."""
    confirmed = getattr(subscriber, "confirmed_at", None)
    if confirmed is None or confirmed <= moment:
        return False
    local = confirmed.replace(tzinfo=UTC).astimezone(zone(subscriber.timezone))
    return local.date() != date


def why_not_due(subscriber, date: dt.date, now: dt.datetime | None) -> str | None:
    """Why the digest of `date` is not due at `now`, in words a run report can print ("hour
    not reached: at 07:00 Europe/Paris", "weekly: next Monday"); None when it is due."""
    moment = due_at(subscriber, date)
    if moment is None:
        kind = "weekday"
    elif now is None:
        return None
    elif moment > now:
        kind = "hour"
    elif _joined_after(subscriber, date, moment):
        kind = "joined"
    else:
        return None
    return _reason(kind, subscriber.frequency, subscriber.delivery_hour, subscriber.timezone)


@lru_cache(maxsize=1024)  # one string per kind, hour and zone, however many readers wait
def _reason(kind: str, frequency: str, delivery_hour: int | None, timezone: str | None) -> str:
    if kind == "weekday":
        return "weekly: next Monday"
    if kind == "joined":
        return ("joined after this week's hour: first digest next Monday" if frequency == WEEKLY
                else "joined after today's hour: first digest tomorrow")
    return f"hour not reached: at {_clock(delivery_hour, timezone)}"


def _hour(delivery_hour: int | None) -> int:
    """The delivery hour as a clock reads it: 0 to 23 (unset: midnight)."""
    return min(max(delivery_hour or 0, 0), 23)


def _clock(delivery_hour: int | None, timezone: str | None) -> str:
    """"07:00 Europe/Paris": a delivery hour on its clock ("UTC" for an unknown zone)."""
    return f"{_hour(delivery_hour):02d}:00 {timezone if zone(timezone) is not UTC else 'UTC'}"


def window_start(frequency: str, date: dt.date) -> dt.date:
    """The first edition date a digest of `date` draws from: that day, or the week ending then."""
    return date - dt.timedelta(days=6) if frequency == WEEKLY else date


def cadence(subscriber) -> str:
    """When this reader's digests come, in words: "every day at 07:00 UTC"."""
    days = "every Monday" if subscriber.frequency == WEEKLY else "every day"
    return f"{days} at {_clock(subscriber.delivery_hour, subscriber.timezone)}"


def first_digest(subscriber, now: dt.datetime) -> str:
    """The sentence a newly confirmed reader reads (welcome email and page): when their first
    digest comes, then how often. `now` is naive UTC."""
    local = now.replace(tzinfo=UTC).astimezone(zone(subscriber.timezone))
    hour = _hour(subscriber.delivery_hour)
    weekly = subscriber.frequency == WEEKLY
    if weekly and local.weekday() != WEEKLY_DAY:
        monday = local.date() + dt.timedelta(days=(WEEKLY_DAY - local.weekday()) % 7)
        first = f"on Monday {monday.day} {monday:%B} at {hour:02d}:00"
    elif local.hour >= hour:  # their hour has passed today: that day's edition, caught up
        first = f"with the next run, {'this week' if weekly else 'today'}'s edition"
    else:
        first = f"today at {hour:02d}:00"
    return f"Your first digest comes {first}; after that, {cadence(subscriber)}."
