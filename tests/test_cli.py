"""The `newsletter` command as users and cron jobs call it."""

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from newsletter.cli import main
from tests.support.cli import invoke


def test_demo_sends_the_sample_digests_and_says_where_they_are(cli_env):
    result = invoke("demo")
    assert result.exit_code == 0, result.output
    outbox = cli_env / "newsletter-demo" / "outbox"
    assert str(outbox) in result.output
    assert len(list(outbox.glob("*.eml"))) == 4
    again = invoke("demo")
    assert "0 sent" in again.output
    assert len(list(outbox.glob("*.eml"))) == 4


def test_a_misconfigured_setting_stops_the_command_naming_it(cli_env, monkeypatch):
    monkeypatch.setenv("NEWSLETTER_MAIL_BACKEND", "carrier-pigeon")
    result = CliRunner().invoke(main, ["topics"])
    assert result.exit_code != 0
    assert "NEWSLETTER_MAIL_BACKEND" in result.output


def test_subscribe_without_confirmed_sends_a_confirmation(cli_env):
    result = invoke("subscribe", "New.Reader@Example.org", "--topics", "NLP,robotics")
    assert result.exit_code == 0, result.output
    assert "new.reader@example.org: pending" in result.output
    [message] = (cli_env / "outbox").glob("*.eml")
    assert "/confirm/" in message.read_text()


def test_subscribe_rejects_an_unknown_topic(cli_env):
    result = CliRunner().invoke(main, ["subscribe", "a@example.org", "--topics", "Astrology"])
    assert result.exit_code != 0 and "Astrology" in result.output


def test_summarize_reads_and_writes_json_lines_and_caches(cli_env):
    papers = [{"id": "p1", "title": "Graph neural networks for molecules",
               "abstract": "We propose a message passing network for molecular graphs. It "
                           "improves accuracy by 4% on QM9. This enables faster screening."},
              {"id": "p2", "title": "A tiny paper", "abstract": ""}]
    lines = "".join(json.dumps(p) + "\n" for p in papers) + "not json\n"
    result = CliRunner().invoke(main, ["summarize"], input=lines)
    out = [json.loads(line) for line in result.stdout.splitlines()]
    assert [o["id"] for o in out] == ["p1", "p2"]
    assert set(out[0]) == {"id", "tldr", "highlights", "summary", "methodology", "results",
                           "implications", "topics", "model", "degraded"}
    assert "line 3" in result.stderr
    again = CliRunner().invoke(main, ["summarize"], input=lines)
    assert again.stdout == result.stdout


def test_db_upgrade_creates_the_schema(cli_workdir):
    result = invoke("db", "upgrade")
    assert result.exit_code == 0 and Path(cli_workdir / "cli.db").exists()


def test_run_without_sources_explains_what_to_do(cli_env):
    result = CliRunner().invoke(main, ["run"])
    assert result.exit_code != 0 and "--source" in result.output


@pytest.mark.parametrize("name", ["digest", "confirmation", "goodbye"])
def test_preview_writes_the_html_and_the_text(cli_env, name):
    result = invoke("preview", "--template", name)
    assert result.exit_code == 0, result.output
    html = (cli_env / "preview" / f"{name}.html").read_text()
    assert html.startswith("<!doctype html>")
    assert (cli_env / "preview" / f"{name}.txt").read_text().startswith("Subject: ")


def test_preview_rejects_an_unknown_template(cli_env):
    result = CliRunner().invoke(main, ["preview", "--template", "nope"])
    assert result.exit_code != 0 and "digest" in result.output
