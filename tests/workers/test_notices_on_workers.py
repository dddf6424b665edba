"""With Redis set, the lifecycle emails a web request queues are sent by a real worker."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from newsletter.web import create_app
from tests.support.cluster import until
from tests.support.site import Site
from workers.celery_app import beat_schedule

pytestmark = [pytest.mark.redis, pytest.mark.postgres]


def test_a_sign_up_is_answered_by_the_workers_email(cluster_services, cluster, outbox):
    cluster.start()
    app = create_app(cluster_services)
    site = Site(TestClient(app, base_url="https://testserver"), Path(outbox))
    assert site.subscribe("ada@example.org").status_code == 200
    until(lambda: list(Path(outbox).glob("*.eml")), 60, "the worker to send the confirmation")
    [confirmation] = site.emails("ada@example.org")
    confirm = site.link_in(confirmation, "confirm")
    assert site.submit(confirm, form_page=confirm).status_code == 200
    until(lambda: len(site.emails("ada@example.org")) == 2, 60, "the welcome email")


def test_beat_sends_what_is_queued_every_minute(cluster_services):
    entry = beat_schedule(cluster_services.settings)["notices"]
    assert (entry["task"], entry["schedule"]) == ("workers.tasks.send_notices", 60.0)
