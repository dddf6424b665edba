"""With workers configured, the workers send the confirmation: the request queues it and
enqueues their task; nothing is sent by the web process."""

import json
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from newsletter import queue
from newsletter.web import create_app
from newsletter.wiring import Services
from tests.conftest import empty_redis, redis_test_url
from tests.web.pages import Site

REDIS_URL = redis_test_url(7)


@pytest.fixture
def broker():
    with empty_redis(REDIS_URL) as client:
        yield client


def site_with_workers(settings, redis_url) -> Site:
    services = Services(settings.model_copy(update={"redis_url": redis_url}))
    client = TestClient(create_app(services), base_url="https://testserver")
    return Site(client, Path(settings.outbox_dir))


@pytest.mark.redis
def test_the_confirmation_is_enqueued_for_the_workers(settings, broker):
    site = site_with_workers(settings, REDIS_URL)
    assert site.subscribe("ada@example.org").status_code == 200
    [message] = [json.loads(raw) for raw in broker.lrange("celery", 0, -1)]
    assert message["headers"]["task"] == queue.NOTICES_TASK
    assert site.emails() == []


def test_an_unreachable_queue_still_sends_the_confirmation(settings):
    site = site_with_workers(settings, "redis://127.0.0.1:1/0")
    assert site.subscribe("ada@example.org").status_code == 200
    assert len(site.emails("ada@example.org")) == 1
