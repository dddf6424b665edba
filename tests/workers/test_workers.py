"""The distributed mode against the real local Redis and PostgreSQL, with real worker processes:
the whole pipeline, two workers at once, a worker killed mid-delivery, Redis restarted mid-run,
a run waiting for another's lock."""

from __future__ import annotations

import datetime as dt

import pytest
from click.testing import CliRunner

from newsletter.cli import main
from newsletter.config import load_settings
from newsletter.db import session_scope
from newsletter.models import Run
from newsletter.runs import records
from newsletter.sources import sample_sources
from tests.support.cluster import (
    SLOW,
    emails_in,
    ledger_statuses,
    restart_redis,
    start_run,
    until,
    wait_for_the_end,
)
from tests.support.outbox import count_by_recipient
from workers import locks

pytestmark = [pytest.mark.redis, pytest.mark.postgres]


def test_the_pipeline_runs_through_workers_from_sample_feeds_to_eml_files(
        add_readers, cluster_services, cluster, outbox):
    readers = add_readers(4)
    cluster.start()
    run = wait_for_the_end(cluster_services, start_run(cluster_services))
    assert run.state == records.FINISHED
    assert count_by_recipient(outbox) == {reader: 1 for reader in readers}
    assert len(run.report["sources"]) == len(sample_sources())
    assert run.report["summaries"]["made"] > 0
    assert run.report["deliveries"]["sent"] == 4


def test_two_workers_in_parallel_send_every_email_exactly_once(
        add_readers, cluster_services, cluster, outbox):
    readers = add_readers(30)
    cluster.start(name="w1", NEWSLETTER_DELIVERY_BATCH_SIZE="2")
    cluster.start(name="w2", NEWSLETTER_DELIVERY_BATCH_SIZE="2")
    run = wait_for_the_end(cluster_services, start_run(cluster_services))
    assert run.state == records.FINISHED
    assert count_by_recipient(outbox) == {reader: 1 for reader in readers}
    assert ledger_statuses(cluster_services) == {"sent": 30}


def test_without_a_batch_size_each_worker_process_gets_one_share(
        add_readers, cluster_services, cluster, outbox):
    readers = add_readers(300)  # three pieces of plan.PIECE ids
    unset = {"NEWSLETTER_DELIVERY_BATCH_SIZE": None}
    cluster.start(name="w1", **unset)
    cluster.start(name="w2", processes=2, **unset)
    run = wait_for_the_end(cluster_services, start_run(cluster_services))
    assert run.state == records.FINISHED
    assert len(run.report["plan"]) == 3  # one worker of one process, one of two
    assert count_by_recipient(outbox) == {reader: 1 for reader in readers}


def test_a_worker_killed_mid_delivery_leaves_every_subscriber_exactly_one_digest(
        add_readers, cluster_services, cluster, outbox):
    readers = add_readers(10)
    batch = {"NEWSLETTER_DELIVERY_BATCH_SIZE": "5000", **SLOW}  # the production batch size
    doomed = cluster.start(name="doomed", **batch)
    run_id = start_run(cluster_services)
    until(emails_in(outbox, 3), 90, "the third email")
    cluster.kill(doomed)  # in the pause after a message was written, before the answer
    cluster.start(name="heir", **batch)
    run = wait_for_the_end(cluster_services, run_id)
    assert run.state == records.FINISHED
    assert count_by_recipient(outbox) == {reader: 1 for reader in readers}
    # one task held all ten rows in "sending" when it died: its heir took every one over
    assert run.report["deliveries"] == {"sent": 10, "resumed": 10}
    assert ledger_statuses(cluster_services) == {"sent": 10}


def test_a_redis_restart_in_the_middle_of_a_run_does_not_stop_it(
        add_readers, cluster_services, cluster, outbox):
    readers = add_readers(10)
    cluster.start(name="w1", **SLOW)
    run_id = start_run(cluster_services)
    until(emails_in(outbox, 3), 90, "the third email")
    cluster.start("beat", name="beat")  # resumes runs whose tasks were lost
    restart_redis()
    run = wait_for_the_end(cluster_services, run_id)
    assert run.state == records.FINISHED
    assert until(lambda: count_by_recipient(outbox) == {reader: 1 for reader in readers}, 60,
                 "every reader's digest")


def test_newsletter_run_with_redis_set_hands_the_day_to_the_workers_and_follows_it(
        add_readers, cluster_services, cluster, outbox, worker_settings, monkeypatch):
    readers = add_readers(2)
    cluster.start()
    for key, value in worker_settings.items():
        monkeypatch.setenv(f"NEWSLETTER_{key.upper()}", value)
    sources = [f"--source={spec.kind}={spec.url}" for spec in sample_sources()]
    result = CliRunner().invoke(main, ["run", "--all-due", *sources])
    assert result.exit_code == 0, result.output
    assert "enqueued for the workers" in result.output
    assert "finished" in result.output and "emails 2 sent" in result.output
    assert count_by_recipient(outbox) == {reader: 1 for reader in readers}


def test_a_run_started_while_another_holds_the_lock_says_which_it_waits_for(
        add_readers, cluster_services, cluster, worker_settings):
    """Its follower reads the run it waits for (a run that died holding the lock keeps it a
    visibility timeout), not a run that seems to do nothing."""
    readers = add_readers(1)
    settings = load_settings(**{**worker_settings, "visibility_timeout": "60"})
    with session_scope(cluster_services.factory) as session:
        holding = records.open_run(session, "pipeline", dt.date.today())
        holding_id, owner = holding.id, holding.report["owner"]
    assert locks.take(settings, locks.DELIVER, owner)
    cluster.start(NEWSLETTER_VISIBILITY_TIMEOUT="60")
    run_id = start_run(cluster_services)

    def waiting() -> str | None:
        with session_scope(cluster_services.factory) as session:
            line = records.progress(session, session.get(Run, run_id))
        return line if "waiting" in line else None
    line = until(waiting, 60, "the run to say it waits")
    assert line == (f"running: waiting for run #{holding_id} to end (it holds the lock) "
                    "(0 sources done)")
    locks.release(settings, locks.DELIVER, owner)
    assert wait_for_the_end(cluster_services, run_id).report["deliveries"]["sent"] == len(readers)
