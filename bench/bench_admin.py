"""The operator's page with 1,000,000 subscribers, next to /healthz in the same run.

Run: PYTHONPATH=. python bench/bench_admin.py [--subscribers N] [--requests R] [--postgres]

Bulk-inserts N subscribers (created over two years; about 70% confirmed, 10% pending, 17%
unsubscribed, 3% suppressed), one day's digests to every confirmed reader, 30 days of provider
events, daily counts and ten runs, into a migrated SQLite file (or, with --postgres, a new
database on the local PostgreSQL, dropped at the end). Then serves the app with uvicorn on
127.0.0.1 and GETs /healthz and /admin (30 days) R times each, one at a time, printing their
median and 95th percentile and the ratio of the medians; and how long each group of figures
takes on its own, to show where the page's time goes.
"""

from __future__ import annotations

import argparse
import base64
import contextlib
import datetime as dt
import random
import statistics
import tempfile
import time
from pathlib import Path

import httpx
from sqlalchemy import select

from newsletter.config import load_settings
from newsletter.db import session_scope, upgrade
from newsletter.models import Delivery, Edition, ProviderEvent, Run, Subscriber, SubscriberCount
from newsletter.services import Services
from newsletter.stats.days import Window
from newsletter.stats.deliverability import deliverability
from newsletter.stats.runs import recent_runs
from newsletter.stats.subscribers import subscriber_figures
from newsletter.web import create_app
from tests.stubs.served_app import served
from tests.stubs.smtp_server import free_port
from tests.support.databases import postgres_database

PASSWORD = "bench-admin-password"
CHUNK = 50_000
NOW = dt.datetime.now(dt.UTC).replace(tzinfo=None)


def subscriber_rows(count: int, rng: random.Random):
    """Rows of `count` subscribers in chunks, with statuses and moments as above."""
    rows = []
    for n in range(count):
        created = NOW - dt.timedelta(seconds=rng.randrange(2 * 365 * 86400))
        draw = rng.random()
        status = ("confirmed" if draw < 0.70 else "pending" if draw < 0.80
                  else "unsubscribed" if draw < 0.97 else "suppressed")
        confirmed = created + dt.timedelta(hours=1) if status != "pending" else None
        left = (confirmed + (NOW - confirmed) * rng.random()
                if status == "unsubscribed" else None)
        rows.append({"email": f"reader{n}@example.org", "status": status, "topics": ["NLP"],
                     "language": "en", "frequency": "daily", "delivery_hour": 7,
                     "timezone": "UTC", "created_at": created, "confirmed_at": confirmed,
                     "unsubscribed_at": left, "updated_at": created, "soft_bounces": 0,
                     "signup_mails_in_window": 0, "interests": {}, "token_secret": "s" * 32})
        if len(rows) == CHUNK:
            yield rows
            rows = []
    if rows:
        yield rows


def bulk(session, model, rows: list[dict]) -> None:
    """One executemany through Core: the ORM's bulk insert would add a statement per few rows."""
    session.connection().execute(model.__table__.insert(), rows)


def fill(services: Services, count: int) -> None:
    rng = random.Random(19)
    factory = services.factory
    for rows in subscriber_rows(count, rng):
        with session_scope(factory) as session:
            bulk(session, Subscriber, rows)
    with session_scope(factory) as session:
        edition = Edition(date=NOW.date() - dt.timedelta(days=1))
        session.add(edition)
        session.flush()
        confirmed = list(session.scalars(select(Subscriber.id).where(
            Subscriber.status == "confirmed")))
        sent_at = NOW - dt.timedelta(days=1)
    for start in range(0, len(confirmed), CHUNK):
        with session_scope(factory) as session:
            bulk(session, Delivery, [
                {"subscriber_id": sid, "edition_id": edition.id, "status": "sent",
                 "claimed_at": sent_at, "sent_at": sent_at, "holder": None}
                for sid in confirmed[start:start + CHUNK]])
    with session_scope(factory) as session:
        bulk(session, ProviderEvent, [
            {"event_id": f"e{n}", "event": rng.choice(["bounce", "spamreport", "delivered"]),
             "received_at": NOW - dt.timedelta(seconds=rng.randrange(30 * 86400))}
            for n in range(3000)])
        bulk(session, SubscriberCount, [
            {"day": NOW.date() - dt.timedelta(days=d), "pending": 1, "confirmed": 2,
             "unsubscribed": 3, "suppressed": 4, "counted_at": NOW} for d in range(1, 31)])
        for d in range(10):
            session.add(Run(started_at=NOW - dt.timedelta(days=d), finished_at=NOW, report={
                "date": NOW.date().isoformat(), "kind": "in-process", "edition_ids": [edition.id],
                "sources": [{"kind": "hf", "url": "file:///hf", "new": 10, "merged": 2}],
                "summaries": {"made": 10, "calls": 10}, "deliveries": {"sent": len(confirmed)}}))


def settle(services: Services) -> None:
    """On PostgreSQL, VACUUM ANALYZE what was just inserted, as autovacuum will have done on a
    database that grew to this size: without it every index scan also reads the table (the
    visibility map is empty) and the planner has no statistics."""
    if services.engine.dialect.name == "postgresql":
        with services.engine.connect().execution_options(
                isolation_level="AUTOCOMMIT") as connection:
            connection.exec_driver_sql("VACUUM ANALYZE")


def timed(function, repeat: int) -> list[float]:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return times


def describe(name: str, times: list[float]) -> str:
    p95 = statistics.quantiles(times, n=20)[-1] if len(times) > 1 else times[0]
    return (f"  {name:<28} median {statistics.median(times) * 1000:8.1f} ms   "
            f"p95 {p95 * 1000:8.1f} ms")


def measure(services: Services, requests: int) -> None:
    with session_scope(services.factory) as session:
        window = Window(NOW.date(), 30)
        print("figures, each group on its own (3 calls):")
        for name, part in [("subscribers", lambda: subscriber_figures(session, window)),
                           ("deliverability", lambda: deliverability(session, window)),
                           ("recent runs", lambda: recent_runs(session))]:
            print(describe(name, timed(part, 3)))
    port = free_port()
    auth = {"Authorization": "Basic " + base64.b64encode(f"admin:{PASSWORD}".encode()).decode()}
    with served(create_app(services), port), httpx.Client(base_url=f"http://127.0.0.1:{port}",
                                                          timeout=120) as client:
        assert client.get("/admin", headers=auth).status_code == 200  # warm caches
        health = timed(lambda: client.get("/healthz").raise_for_status(), requests)
        admin = timed(lambda: client.get("/admin", headers=auth).raise_for_status(), requests)
    print(f"{requests} requests each, one at a time:")
    print(describe("GET /healthz", health))
    print(describe("GET /admin (30 days)", admin))
    print(f"  ratio of medians /admin : /healthz = "
          f"{statistics.median(admin) / statistics.median(health):.0f}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--subscribers", type=int, default=1_000_000)
    parser.add_argument("--requests", type=int, default=20)
    parser.add_argument("--postgres", action="store_true")
    parser.add_argument("--sqlite", type=Path, help="keep the SQLite database in this file, "
                        "and measure it again without filling it if it exists")
    args = parser.parse_args()
    with contextlib.ExitStack() as stack:
        if args.postgres:
            url = stack.enter_context(postgres_database())
        else:
            path = args.sqlite or Path(stack.enter_context(tempfile.TemporaryDirectory())) / "b.db"
            filled, url = path.exists(), f"sqlite:///{path}"
        upgrade(url)
        services = Services(load_settings(database_url=url, admin_password=PASSWORD))
        if args.postgres or not filled:
            start = time.perf_counter()
            fill(services, args.subscribers)
            print(f"{services.engine.dialect.name}: {args.subscribers:,} subscribers (and a "
                  f"day's digests to the confirmed) inserted in {time.perf_counter() - start:.0f} s")
            settle(services)
        measure(services, args.requests)
        services.engine.dispose()


if __name__ == "__main__":
    main()
