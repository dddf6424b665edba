"""Runs recorded, resumed when their tasks were lost, and listed by `newsletter runs`."""

import datetime as dt

import pytest
from click.testing import CliRunner

from newsletter.cli import main
from newsletter.models import Run, utcnow
from newsletter.runs import records

TODAY = dt.date(2026, 11, 23)


def test_a_run_whose_heartbeat_stopped_is_claimed_for_resumption_once(session):
    quiet = records.open_run(session, "pipeline", TODAY)
    quiet.heartbeat_at = utcnow() - dt.timedelta(hours=2)
    records.open_run(session, "pipeline", TODAY)  # alive
    assert records.claim_stale(session, dt.timedelta(hours=1)) == [quiet.id]
    assert records.claim_stale(session, dt.timedelta(hours=1)) == []
    assert quiet.report["resumes"] == 1


def test_a_run_resumed_too_often_is_closed_as_failed(session):
    run = records.open_run(session, "pipeline", TODAY, resumes=records.MAX_RESUMES)
    run.heartbeat_at = utcnow() - dt.timedelta(hours=2)
    assert records.claim_stale(session, dt.timedelta(hours=1)) == []
    assert run.state == records.FAILED


@pytest.mark.own_database  # the command opens the database itself
def test_newsletter_runs_lists_each_run_with_what_it_sent(session, settings, monkeypatch):
    run = records.open_run(session, "dispatch", TODAY)
    records.close(session, run.id, deliveries={"sent": 12, "failed": 1, "held": 4})
    session.add(Run(started_at=utcnow(), finished_at=utcnow(),
                    report={"date": "2026-11-22", "deliveries": {"sent": 3}}))
    session.commit()
    monkeypatch.setenv("NEWSLETTER_DATABASE_URL", settings.database_url)
    output = CliRunner().invoke(main, ["runs"]).output
    assert "dispatch" in output and "emails 12 sent, 1 failed" in output
    assert "4 held by another run" in output
    assert "in-process" in output and "emails 3 sent" in output
