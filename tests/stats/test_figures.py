"""The operator's figures are aggregates computed by the database: the same on SQLite and on
PostgreSQL, grouped by UTC day."""

from __future__ import annotations

import datetime as dt

import pytest

from newsletter.config import load_settings
from newsletter.db import session_scope
from newsletter.models import SubscriberCount, utcnow
from newsletter.services import Services
from newsletter.stats.days import Window
from newsletter.stats.deliverability import BOUNCES, COMPLAINTS, deliverability
from newsletter.stats.figures import collect
from newsletter.stats.runs import recent_runs
from newsletter.stats.subscribers import record_counts, subscriber_figures
from tests.support import operator_history as history
from tests.support.operator_history import TODAY, at

WEEK = Window(TODAY, 7)


@pytest.fixture
def db(stored_url):
    """Sessions on a migrated database of the test's own: SQLite, then PostgreSQL."""
    services = Services(load_settings(database_url=stored_url, llm_daily_budget_usd=2.0))
    yield services
    services.engine.dispose()


def test_sign_ups_confirmations_and_unsubscribes_are_counted_per_day(db):
    with session_scope(db.factory) as session:
        history.subscribers(session, [
            {"status": "pending", "created_at": at(0)},
            {"status": "confirmed", "created_at": at(1, 8), "confirmed_at": at(1, 23)},
            {"status": "confirmed", "created_at": at(1, 0), "confirmed_at": at(0, 0)},
            {"status": "unsubscribed", "created_at": at(3), "confirmed_at": at(3),
             "unsubscribed_at": at(1)},
            {"status": "suppressed", "created_at": at(20), "confirmed_at": at(20)},
        ])
        figures = subscriber_figures(session, WEEK)
    day = TODAY - dt.timedelta(days=1)
    assert figures.signups == {TODAY: 1, day: 2, TODAY - dt.timedelta(days=3): 1}
    assert figures.confirmations == {day: 1, TODAY: 1, TODAY - dt.timedelta(days=3): 1}
    assert figures.unsubscribes == {day: 1}
    assert figures.now == {"confirmed": 2, "pending": 1, "unsubscribed": 1, "suppressed": 1}


def test_each_days_count_by_status_is_kept_and_the_last_of_the_day_wins(db):
    with session_scope(db.factory) as session:
        history.subscribers(session, [{"status": "confirmed"}, {"status": "pending"}])
        record_counts(session, at(2))
        history.subscribers(session, [{"email": "late@example.org", "status": "confirmed"}])
        record_counts(session, at(1, 6))
        record_counts(session, at(1, 20))  # the same day again: replaced, not added
        figures = subscriber_figures(session, WEEK)
        stored = session.query(SubscriberCount).count()
    assert stored == 2
    assert figures.counted_since == TODAY - dt.timedelta(days=2)
    assert figures.history[TODAY - dt.timedelta(days=2)]["confirmed"] == 1
    assert figures.history[TODAY - dt.timedelta(days=1)] == {
        "confirmed": 2, "pending": 1, "unsubscribed": 0, "suppressed": 0}
    assert figures.history[TODAY] == figures.now  # today's are live


def test_complaint_rate_of_the_week_is_judged_against_gmail_and_yahoo(db):
    with session_scope(db.factory) as session:
        readers = history.subscribers(session, [{"email": f"r{n}@example.org",
                                                 "status": "confirmed"} for n in range(500)])
        history.digests(session, readers, days_ago=2)
        history.digests(session, readers, days_ago=1)
        history.provider_events(session, "spamreport", 2, days_ago=1)  # 2 of 1000: 0.2%
        history.provider_events(session, "bounce", 1, days_ago=2)
        history.provider_events(session, "blocked", 5, days_ago=2)  # temporary: not a bounce
        history.provider_events(session, "spamreport", 9, days_ago=8)  # before the window
        mail = deliverability(session, WEEK)
    assert mail.sent == {TODAY - dt.timedelta(days=2): 500, TODAY - dt.timedelta(days=1): 500}
    assert mail.complaints == {TODAY - dt.timedelta(days=1): 2}
    assert mail.bounces == {TODAY - dt.timedelta(days=2): 1}
    complaints, bounces = mail.rate(COMPLAINTS), mail.rate(BOUNCES)
    assert (complaints.events, complaints.sent, complaints.value) == (2, 1000, 0.002)
    assert complaints.verdict == "near" and bounces.verdict == "ok"
    [warning] = mail.warnings()
    assert "spam complaints: 0.20%" in warning and "nearing the limit" in warning


def test_the_verdicts_of_a_threshold():
    assert COMPLAINTS.judge(None) == "ok"
    assert COMPLAINTS.judge(0.0009) == "ok"
    assert COMPLAINTS.judge(0.001) == "near"
    assert COMPLAINTS.judge(0.003) == "over"


def test_a_runs_failures_are_said_in_words(db):
    source_failed = {"kind": "arxiv", "url": "https://rss.arxiv.org/rss/cs.LG", "failed": True,
                     "error": "ConnectError: name does not resolve"}
    with session_scope(db.factory) as session:
        history.run(session, {"kind": "pipeline", "note": "could not be handed to the workers"},
                    state="failed", days_ago=1)
        [reader] = history.subscribers(session, [{"status": "confirmed"}])
        edition_id = history.digests(session, [reader], days_ago=0, status="failed",
                                     error="550 mailbox unavailable")
        history.run(session, {
            "kind": "in-process", "edition_ids": [edition_id],
            "sources": [{"kind": "hf", "url": "file:///hf", "new": 4, "merged": 1},
                        source_failed],
            "summaries": {"made": 3, "cached": 2, "degraded": 1, "calls": 4,
                          "prompt_tokens": 1000, "completion_tokens": 200, "cost_usd": 0.0123,
                          "budget_reached": True},
            "deliveries": {"sent": 10, "failed": 1, "held": 2}})
        latest, failed = recent_runs(session)
    assert (latest.seconds, latest.tokens, latest.emails["held"]) == (42, 1200, 2)
    assert [(s.kind, s.new, s.merged, s.error) for s in latest.sources] == [
        ("hf", 4, 1, None), ("arxiv", 0, 0, "ConnectError: name does not resolve")]
    assert latest.problems == [
        "Source arxiv https://rss.arxiv.org/rss/cs.LG failed: ConnectError: name does not resolve",
        "1 emails could not be sent: 550 mailbox unavailable (1).",
        "2 emails were held by another run.",
        "1 summaries are degraded (the offline summarizer answered for the model).",
        "The daily LLM budget was reached: the rest used the offline summarizer."]
    assert failed.problems == ["The run failed: could not be handed to the workers."]


def test_the_budget_used_today_counts_todays_summaries_only(db):
    from newsletter.models import Summary

    with session_scope(db.factory) as session:
        for n, (cost, moment) in enumerate([(0.9, at(0, 1)), (0.8, at(0, 6)), (5.0, at(1))]):
            session.add(Summary(content_hash=f"h{n}", requested_model="m", model="m",
                                prompt_version="v", fields={}, cost_usd=cost,
                                created_at=moment))
        session.flush()
        figures = collect(session, db.settings, [], 7, now=at(0, 8))
    assert figures.budget.spent_usd == pytest.approx(1.7)
    assert figures.budget_share == pytest.approx(0.85)
    assert any(w.startswith("LLM budget: 85% of today's $2.00") for w in figures.warnings())


def test_a_temporary_block_from_the_webhook_is_not_counted_as_a_bounce(db):
    from newsletter.delivery.provider_events import apply_events
    from newsletter.mail.sendgrid_webhook import Event

    moment = dt.datetime(2026, 11, 23, 10, tzinfo=dt.UTC)
    events = [Event("e1", "bounce", "a@example.org", moment, type="bounce"),
              Event("e2", "bounce", "b@example.org", moment, type="blocked"),
              Event("e3", "spamreport", "c@example.org", moment)]
    with session_scope(db.factory) as session:
        apply_events(session, events)
        today = utcnow().date()  # events are counted on the day they are received
        mail = deliverability(session, Window(today, 1))
    assert mail.bounces == {today: 1}
    assert mail.complaints == {today: 1}
