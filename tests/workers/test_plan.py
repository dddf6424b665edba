"""How a run's work is split between workers, and the Celery settings every worker shares."""

from newsletter.config import load_settings
from tests.support.local_services import redis_test_url
from workers.celery_app import make_app
from workers.fanout import id_ranges, split


def test_papers_are_split_in_at_most_the_llm_concurrency_chunks():
    chunks = split(list(range(10)), 4)
    assert [len(chunk) for chunk in chunks] == [3, 3, 3, 1]
    assert [item for chunk in chunks for item in chunk] == list(range(10))
    assert split([1, 2], 4) == [[1], [2]]


def test_no_papers_make_no_chunks():
    assert split([], 4) == []


def test_subscribers_are_split_in_ranges_of_ids_with_gaps_inside():
    assert id_ranges([1, 2, 5, 9, 10], 2) == [(1, 2), (5, 9), (10, 10)]


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
