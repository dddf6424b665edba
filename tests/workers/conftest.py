"""Fixtures for the worker tests: the local Redis (database 5, flushed), the local PostgreSQL, a
temporary outbox, and real worker processes pointed at all three."""

from __future__ import annotations

import datetime as dt
import os

import pytest

from newsletter.config import load_settings
from newsletter.db import session_scope
from newsletter.services import Services
from tests.support.cast import Cast
from tests.support.cluster import ROOT, Cluster
from tests.support.local_services import empty_redis, redis_test_url

REDIS_URL = redis_test_url(5)


@pytest.fixture
def redis_url():
    with empty_redis(REDIS_URL):
        yield REDIS_URL


@pytest.fixture
def outbox(tmp_path):
    return tmp_path / "outbox"


@pytest.fixture
def worker_settings(postgres_url, redis_url, outbox):
    """What the workers and the test both read: short timeouts, so a lost task is handed over
    within seconds, and one subscriber per delivery task unless a test says otherwise. No
    enrichment (the chain would ask export.arxiv.org), unless a test points it at a stand-in."""
    return {
        "database_url": postgres_url, "redis_url": redis_url, "outbox_dir": str(outbox),
        "base_url": "https://digest.example.org", "secret_key": "test-secret",
        "visibility_timeout": "6", "delivery_batch_size": "1", "dispatch_interval": "2",
        "arxiv_api_url": "",
    }


@pytest.fixture
def cluster_services(worker_settings) -> Services:
    return Services(load_settings(**worker_settings))


@pytest.fixture
def cluster(worker_settings, tmp_path):
    env = {**os.environ, "PYTHONPATH": str(ROOT), "LITELLM_LOCAL_MODEL_COST_MAP": "True",
           **{f"NEWSLETTER_{key.upper()}": value for key, value in worker_settings.items()}}
    env.pop("NEWSLETTER_SOURCES", None)
    cluster = Cluster(env, tmp_path)
    yield cluster
    cluster.stop_all()


@pytest.fixture
def add_readers(cluster_services):
    """add_readers(count): `count` confirmed subscribers (all topics) of the workers' database,
    whose digest is due from midnight UTC; their addresses."""
    def add(count: int) -> list[str]:
        yesterday = dt.datetime.now(dt.UTC).replace(tzinfo=None) - dt.timedelta(days=1)
        with session_scope(cluster_services.factory) as session:
            made = Cast(session, cluster_services).readers(
                count, prefix="reader", delivery_hour=0, timezone="UTC", confirmed_at=yesterday)
            return [reader.email for reader in made]
    return add
