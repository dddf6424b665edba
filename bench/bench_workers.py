"""Delivery through Celery workers: N subscribers, all due, delivered to the SendGrid stand-in
(tests/stubs/sendgrid_api.py, its own process, on loopback) in-process (`deliver_edition` in one
process, what `newsletter run` does) and then by 1 to 4 worker processes, on the local
PostgreSQL and Redis. Prints emails/s and the workers' overhead against the in-process path.

Run: PYTHONPATH=. python bench/bench_workers.py [--subscribers 100000] [--workers 1,2,3,4]
[--share-size N] (Redis on TEST_REDIS_PORT, default 6379.)

The database is seeded once (the workload of bench_delivery.py); the ledger is emptied between
the paths. A worker path is timed from the enqueue of a delivery run to the end of its last task
(asking the workers how many processes they run, planning, the fan-out in shares, the last
share's report), with the workers already started. Without --share-size,
NEWSLETTER_DELIVERY_BATCH_SIZE is unset (the default): the plan gives each worker process one
share.
"""

from __future__ import annotations

import argparse
import datetime as dt
import multiprocessing
import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import redis
from celery import Celery
from sqlalchemy import create_engine, insert, select, text

from bench.bench_delivery import _subscriber, mailer, serve_stub
from newsletter.config import load_settings
from newsletter.db import session_scope, upgrade
from newsletter.delivery.send import deliver_edition
from newsletter.editions.build import build_edition
from newsletter.models import Edition, Paper, PaperTopic, Subscriber
from newsletter.queue import PIPELINE_TASK, celery_config, send_task
from newsletter.runs import records
from newsletter.services import Services
from newsletter.summarize.topics import load_taxonomy

ADMIN_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
REDIS_URL = f"redis://127.0.0.1:{os.environ.get('TEST_REDIS_PORT', '6379')}/6"
ROOT = Path(__file__).resolve().parent.parent


def create_database() -> str:
    name = f"bench_workers_{uuid.uuid4().hex[:8]}"
    with create_engine(ADMIN_URL, isolation_level="AUTOCOMMIT").connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
        # The local server runs without autovacuum, so a worker's connection could keep the
        # generic plan of the readers' query made while the ledger was nearly empty (a scan of
        # `deliveries` per reader) for the whole run; with autovacuum, each ANALYZE of the
        # growing table makes it plan again. Here, every query is planned with its values.
        connection.execute(text(f'ALTER DATABASE "{name}" SET plan_cache_mode = '
                                "force_custom_plan"))
    url = ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    upgrade(url)
    return url


def drop_database(url: str) -> None:
    name = url.rsplit("/", 1)[1]
    with create_engine(ADMIN_URL, isolation_level="AUTOCOMMIT").connect() as connection:
        connection.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))


def seed(services: Services, subscribers: int) -> None:
    """120 papers over the taxonomy, today's edition, and `subscribers` readers."""
    import random

    rng, topics = random.Random(7), load_taxonomy(None).names()
    weights = [1 / (rank + 1) for rank in range(len(topics))]
    with session_scope(services.factory) as session:
        for number in range(120):
            paper = Paper(id=f"2611.{number:05d}", title=f"Paper {number}",
                          title_key=f"paper {number}", abstract="Results. " * 40,
                          links={"abstract": f"https://arxiv.org/abs/2611.{number:05d}"})
            paper.topics = [PaperTopic(topic=topic, rank=rank) for rank, topic in
                            enumerate(rng.sample(topics, rng.choice([1, 1, 2])))]
            session.add(paper)
        session.flush()
        build_edition(session, dt.date.today())
        for start in range(0, subscribers, 20_000):
            session.execute(insert(Subscriber), [
                {**_subscriber(n, topics, weights, rng), "delivery_hour": 0}
                for n in range(start, min(start + 20_000, subscribers))])
    with session_scope(services.factory) as session:
        session.execute(text("ANALYZE subscribers"))  # what autovacuum would know by now


def empty_ledger(services: Services) -> None:
    """Forget every delivery, so the next phase sends to everyone again."""
    with session_scope(services.factory) as session:
        session.execute(text("TRUNCATE deliveries, digest_papers"))


def in_process(services: Services, api_url: str) -> tuple[int, float]:
    with session_scope(services.factory) as session:
        edition = session.scalar(select(Edition))
        started = time.perf_counter()
        sent = deliver_edition(session, services.settings, mailer(api_url), edition)["sent"]
    return sent, time.perf_counter() - started


def start_workers(count: int, env: dict) -> list[subprocess.Popen]:
    command = [str(Path(sys.executable).with_name("celery")), "-A", "workers.celery_app",
               "worker", "--pool=prefork", "-c", "1", "--loglevel=WARNING", "--without-gossip",
               "--without-mingle"]
    workers = [subprocess.Popen([*command, "-n", f"bench{n}@%h"], cwd=ROOT, env=env,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
               for n in range(count)]
    client = Celery("bench")
    client.conf.update(celery_config(load_settings(redis_url=REDIS_URL)))
    while len(client.control.ping(timeout=1.0)) < count:  # all up before the clock starts
        pass
    return workers


def through_workers(services: Services, count: int, env: dict) -> tuple[int, float, int]:
    """The emails `count` worker processes sent, the seconds they took, and the shares the
    plan made."""
    workers = start_workers(count, env)
    try:
        with session_scope(services.factory) as session:
            run_id = records.open_run(session, "dispatch", dt.date.today(), now=None).id
        started = time.perf_counter()
        send_task(services.settings, PIPELINE_TASK, run_id)
        run = records.follow(services.factory, run_id, lambda line: None, poll=0.2)
        seconds = time.perf_counter() - started
        return run.report["deliveries"].get("sent", 0), seconds, len(run.report["plan"])
    finally:
        for worker in workers:
            worker.terminate()
            worker.wait()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--subscribers", type=int, default=100_000)
    parser.add_argument("--workers", default="1,2,3,4",
                        help="the numbers of worker processes to time, comma-separated")
    parser.add_argument("--share-size", type=int, default=None,
                        help="NEWSLETTER_DELIVERY_BATCH_SIZE, ids per delivery task; unset (the "
                             "default): one share per worker process answering at dispatch")
    args = parser.parse_args()
    redis.Redis.from_url(REDIS_URL).flushdb()
    url = create_database()
    urls = multiprocessing.Queue()
    stub = multiprocessing.Process(target=serve_stub, args=(urls,), daemon=True)
    stub.start()
    api_url = urls.get(timeout=30)
    options = {"database_url": url, "redis_url": REDIS_URL, "mail_backend": "sendgrid",
               "sendgrid_api_key": "SG.bench", "sendgrid_api_url": api_url,
               "base_url": "https://digest.example.org", "secret_key": "bench-secret",
               "from_email": "Paper Digest <digest@example.org>",
               "arxiv_api_url": ""}  # the worker chain enriches from arXiv: never here
    if args.share_size is not None:
        options["delivery_batch_size"] = str(args.share_size)
    env = {**{key: value for key, value in os.environ.items()
              if key != "NEWSLETTER_DELIVERY_BATCH_SIZE"},
           "PYTHONPATH": str(ROOT), "LITELLM_LOCAL_MODEL_COST_MAP": "True",
           **{f"NEWSLETTER_{key.upper()}": value for key, value in options.items()}}
    services = Services(load_settings(**options))
    try:
        seed(services, args.subscribers)
        report(args.subscribers, services, api_url, env,
               [int(count) for count in args.workers.split(",")])
    finally:
        services.factory.kw["bind"].dispose()
        drop_database(url)
        stub.terminate()


def report(subscribers: int, services: Services, api_url: str, env: dict,
           worker_counts: list[int]) -> None:
    size = services.settings.delivery_batch_size
    print(f"subscribers {subscribers:,}; PostgreSQL + Redis; SendGrid stand-in; "
          f"ids per delivery task: {size or 'unset (one share per worker process)'}")
    sent, base = in_process(services, api_url)
    print(f"in-process (deliver_edition): {sent:,} emails in {base:.1f}s = "
          f"{sent / base:,.0f} emails/s")
    for count in worker_counts:
        empty_ledger(services)
        sent, seconds, shares = through_workers(services, count, env)
        print(f"{count} worker process{'es' if count > 1 else ''}, {shares} share"
              f"{'s' if shares > 1 else ''}: {sent:,} emails in {seconds:.1f}s = "
              f"{sent / seconds:,.0f} emails/s; time against in-process {seconds / base:.2f}x")


if __name__ == "__main__":
    main()
