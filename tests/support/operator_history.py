"""A few days of a newsletter's life written straight into the tables, at chosen moments: the
data the operator's figures (newsletter.stats) count."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import insert
from sqlalchemy.orm import Session

from newsletter.models import Delivery, Edition, ProviderEvent, Run, Subscriber

TODAY = dt.date(2026, 11, 23)


def at(days_ago: int, hour: int = 9) -> dt.datetime:
    """`hour` o'clock (UTC) `days_ago` days before TODAY."""
    return dt.datetime.combine(TODAY - dt.timedelta(days=days_ago), dt.time(hour))


def subscribers(session: Session, rows: list[dict]) -> list[int]:
    """Insert subscribers (email, status and the moments given); return their ids."""
    ids = []
    for n, row in enumerate(rows):
        values = {"email": f"reader{n}@example.org", "topics": [], "created_at": at(30),
                  **row}
        ids.append(session.execute(insert(Subscriber).values(**values)).inserted_primary_key[0])
    return ids


def digests(session: Session, subscriber_ids: list[int], days_ago: int, *, status: str = "sent",
            error: str | None = None) -> int:
    """An edition `days_ago` days back and its digest to each of `subscriber_ids`, in `status`
    (sent at 07:00); the edition's id."""
    edition = Edition(date=TODAY - dt.timedelta(days=days_ago))
    session.add(edition)
    session.flush()
    sent_at = at(days_ago, 7) if status == "sent" else None
    if subscriber_ids:
        session.execute(insert(Delivery), [
            {"subscriber_id": sid, "edition_id": edition.id, "status": status, "error": error,
             "claimed_at": at(days_ago, 7), "sent_at": sent_at} for sid in subscriber_ids])
    return edition.id


def provider_events(session: Session, name: str, count: int, days_ago: int) -> None:
    """`count` webhook events `name` received `days_ago` days back."""
    if not count:
        return
    session.execute(insert(ProviderEvent), [
        {"event_id": f"{name}-{days_ago}-{n}", "event": name, "received_at": at(days_ago, 10)}
        for n in range(count)])


def run(session: Session, report: dict, *, state: str = "finished", days_ago: int = 0,
        seconds: int = 42) -> Run:
    started = at(days_ago, 7)
    row = Run(started_at=started, finished_at=started + dt.timedelta(seconds=seconds),
              state=state, report={"date": (TODAY - dt.timedelta(days=days_ago)).isoformat(),
                                   **report})
    session.add(row)
    session.flush()
    return row
