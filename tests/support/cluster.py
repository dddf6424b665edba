"""Real Celery worker and beat processes for the tests, the local Redis, a run handed to the
workers and followed to its end, and polling helpers."""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import redis
from sqlalchemy import func, select

from newsletter.db import session_scope
from newsletter.models import Delivery, Run
from newsletter.runs import records
from newsletter.sources import sample_sources
from tests.support.local_services import REDIS_PORT
from tests.support.outbox import count_by_recipient

ROOT = Path(__file__).resolve().parents[2]
CELERY = str(Path(sys.executable).with_name("celery"))
REDIS_SERVER = ["redis-server", "--daemonize", "yes", "--bind", "127.0.0.1", "-::1", "--port",
                str(REDIS_PORT), "--save", "", "--appendonly", "no", "--dir", "/var/lib/redis",
                "--logfile", f"/var/log/redis/ci-{REDIS_PORT}.log"]

# a worker whose mail provider answers each message after half a second
SLOW = {"app": "tests.support.slow_worker", "TEST_MAIL_DELAY": "0.5"}


def until(condition, timeout: float, what: str, interval: float = 0.1):
    """Poll `condition` until it returns something true; fail after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {what}")
        time.sleep(interval)


class Cluster:
    """Starts worker and beat processes with `env`; stops every one of them at the end."""

    def __init__(self, env: dict[str, str], logs: Path):
        self.env, self.logs = env, logs
        self.processes: list[subprocess.Popen] = []

    def start(self, role: str = "worker", app: str = "workers.celery_app", name: str = "w1",
              processes: int = 1, **extra_env: str | None) -> subprocess.Popen:
        """Start `celery -A app role` (a worker: `processes` prefork processes) with `extra_env`
        added (a variable given as None: removed)."""
        args = [CELERY, "-A", app, role, "--loglevel=INFO"]
        if role == "worker":
            args += ["--pool=prefork", "-c", str(processes), "-n", f"{name}@%h",
                     "--without-gossip", "--without-mingle", "--without-heartbeat"]
        else:
            args += [f"--schedule={self.logs / 'beat-schedule'}"]
        env = {key: value for key, value in {**self.env, **extra_env}.items() if value is not None}
        with open(self.logs / f"{role}-{name}.log", "ab") as log:  # the child keeps its copy
            process = subprocess.Popen(args, cwd=ROOT, env=env, stdout=log,
                                       stderr=subprocess.STDOUT, start_new_session=True)
        self.processes.append(process)
        return process

    def kill(self, process: subprocess.Popen) -> None:
        """SIGKILL the worker and its pool processes at once: a machine lost, not a shutdown."""
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()

    def stop_all(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in self.processes:
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()


def redis_is_up() -> bool:
    try:
        return redis.Redis(host="127.0.0.1", port=REDIS_PORT, socket_timeout=1).ping()
    except redis.exceptions.ConnectionError:
        return False


def restart_redis() -> None:
    """Stop the local Redis without saving (every key is lost, as the CI server keeps none) and
    start it again the way it was started."""
    try:
        subprocess.run(["redis-cli", "-p", str(REDIS_PORT), "shutdown", "nosave"], check=False, timeout=10,
                       capture_output=True)
        until(lambda: not redis_is_up(), 10, "Redis to stop")
    finally:
        ensure_redis()


def ensure_redis() -> None:
    if not redis_is_up():
        subprocess.run(REDIS_SERVER, check=True, timeout=10)
        until(redis_is_up, 10, "Redis to start")


def start_run(services) -> int:
    return records.start_pipeline(services.factory, services.settings, sample_sources(),
                               dt.date.today(), now=None)


def wait_for_the_end(services, run_id: int, timeout: float = 120) -> Run:
    def ended():
        with session_scope(services.factory) as session:
            run = session.get(Run, run_id)
            return run if run.state != records.RUNNING else None
    return until(ended, timeout, f"run #{run_id} to end")


def emails_in(outbox, count: int):
    return lambda: sum(count_by_recipient(outbox).values()) >= count


def ledger_statuses(services) -> dict[str, int]:
    with session_scope(services.factory) as session:
        query = select(Delivery.status, func.count()).group_by(Delivery.status)
        return dict(session.execute(query).all())
