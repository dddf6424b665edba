"""With workers configured, the workers send the confirmation: the request queues it and
enqueues their task; nothing is sent by the web process."""

import json
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from newsletter import queue
from newsletter.web import create_app
from tests.support.databases import services_with
from tests.support.local_services import empty_redis, redis_test_url
from tests.support.site import Site

pytestmark = pytest.mark.own_database  # the app's sender thread reads the database too
REDIS_URL = redis_test_url(7)


@pytest.fixture
def broker():
    with empty_redis(REDIS_URL) as client:
        yield client


def site_with_workers(services, redis_url) -> Site:
    client = TestClient(create_app(services_with(services, redis_url=redis_url)),
                        base_url="https://testserver")
    return Site(client, Path(services.settings.outbox_dir))


@pytest.mark.redis
def test_the_confirmation_is_enqueued_for_the_workers(services, broker):
    site = site_with_workers(services, REDIS_URL)
    assert site.subscribe("ada@example.org").status_code == 200
    [message] = [json.loads(raw) for raw in broker.lrange("celery", 0, -1)]
    assert message["headers"]["task"] == queue.NOTICES_TASK
    assert site.emails() == []


def test_an_unreachable_queue_still_sends_the_confirmation(services):
    site = site_with_workers(services, "redis://127.0.0.1:1/0")
    assert site.subscribe("ada@example.org").status_code == 200
    assert len(site.emails("ada@example.org")) == 1
