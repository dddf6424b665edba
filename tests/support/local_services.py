"""The real services the tests use on this machine: PostgreSQL, Redis and Chromium. A test that
needs one fails when CI is set and it is missing, and skips on a developer's machine."""

from __future__ import annotations

import os
from contextlib import contextmanager
from pathlib import Path

import pytest

POSTGRES_ADMIN_URL = os.environ.get(
    "TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)
# A session may run its own Redis on another port (several checkouts testing side by side; one
# test restarts the server it uses)
REDIS_PORT = int(os.environ.get("TEST_REDIS_PORT", "6379"))
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run", "--disable-sync"]


def redis_test_url(database: int) -> str:
    """The URL of one database of the tests' Redis."""
    return f"redis://127.0.0.1:{REDIS_PORT}/{database}"


def service_missing(what: str, error: Exception | str) -> None:
    """Tests that need a local service fail when CI is set, and skip on a developer's machine."""
    message = f"{what} is not reachable: {error}"
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


def require_chromium() -> None:
    """Debian's Chromium, never a download of our own."""
    if not CHROMIUM.exists():
        service_missing("Chromium", f"{CHROMIUM} is missing (apt-get install chromium)")


@contextmanager
def empty_redis(url: str):
    """The Redis database at `url`, flushed before and after (fails under CI when unreachable)."""
    import redis

    client = redis.Redis.from_url(url)
    try:
        client.flushdb()
    except redis.exceptions.ConnectionError as error:
        service_missing("Redis", error)
    try:
        yield client
    finally:
        client.flushdb()
