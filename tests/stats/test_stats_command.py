"""`newsletter stats`: the figures of /admin in a terminal."""

from __future__ import annotations

from newsletter.config import load_settings
from newsletter.db import session_scope
from newsletter.services import Services
from newsletter.stats.subscribers import record_counts
from tests.support import operator_history as history
from tests.support.cli import invoke


def test_stats_prints_the_subscribers_the_days_the_rates_and_the_runs(cli_env):
    services = Services(load_settings(database_url=f"sqlite:///{cli_env / 'cli.db'}"))
    with session_scope(services.factory) as session:
        history.subscribers(session, [
            {"email": f"r{n}@example.org", "status": "confirmed", "created_at": history.at(0)}
            for n in range(3)])
        record_counts(session)
        history.run(session, {"kind": "in-process", "deliveries": {"sent": 3, "failed": 1}})
    services.engine.dispose()
    result = invoke("stats", "--days", "3")
    assert result.exit_code == 0, result.output
    out = result.output
    assert "Subscribers now: 3 confirmed, 0 pending, 0 unsubscribed, 0 suppressed" in out
    assert "Figures of the 3 days" in out
    assert "spam complaints: no emails sent" in out and "Gmail" in out
    assert "emails: 3 sent, 1 failed, 0 held" in out
    assert "problem: 1 emails could not be sent." in out
    assert "LLM spend today (UTC): $0.0000, no daily limit set" in out


def test_stats_refuses_a_span_of_no_days(cli_env):
    result = invoke("stats", "--days", "0")
    assert result.exit_code == 2
    assert "--days" in result.output
