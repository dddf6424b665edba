"""The Celery settings every worker shares."""

from newsletter.config import load_settings
from tests.support.local_services import redis_test_url
from workers.celery_app import make_app


def test_one_visibility_timeout_is_set_for_the_broker_and_the_result_backend():
    conf = make_app(load_settings(redis_url=redis_test_url(5),
                                  visibility_timeout=120)).conf
    assert conf.broker_transport_options["visibility_timeout"] == 120
    assert conf.result_backend_transport_options["visibility_timeout"] == 120
    assert conf.visibility_timeout == 120


def test_tasks_are_acknowledged_late_one_at_a_time():
    conf = make_app(load_settings(redis_url=redis_test_url(5))).conf
    assert conf.task_acks_late and conf.task_reject_on_worker_lost
    assert conf.worker_prefetch_multiplier == 1
