"""The `newsletter` command as users and cron jobs call it."""

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from newsletter.cli import main
from tests.stubs.smtp_server import free_port
from tests.support.cli import invoke
from tests.support.outbox import emails_in, parts
from tests.support.recorded import sample_uri


def test_demo_sends_the_sample_digests_and_says_where_they_are(cli_env):
    result = invoke("demo")
    assert result.exit_code == 0, result.output
    outbox = cli_env / "newsletter-demo" / "outbox"
    assert str(outbox) in result.output
    assert len(list(outbox.glob("*.eml"))) == 4
    # the sample Daily Papers carry Hugging Face's one-line summaries: offline, they are the TL;DRs
    texts = [parts(message)[0] for message in emails_in(outbox)]
    assert any("(TL;DR: Hugging Face)" in text for text in texts)
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


def test_summarize_refuses_a_line_without_an_id_and_exits_1(cli_env):
    lines = (json.dumps({"id": "p1", "title": "A paper", "abstract": "We study it."}) + "\n"
             + json.dumps({"title": "Nameless", "abstract": "Nobody can match this."}) + "\n")
    result = CliRunner().invoke(main, ["summarize"], input=lines)
    assert result.exit_code == 1
    assert [json.loads(line)["id"] for line in result.stdout.splitlines()] == ["p1"]
    assert 'line 2: no "id"' in result.stderr


def test_summarize_exits_1_when_every_line_failed(cli_env):
    result = CliRunner().invoke(main, ["summarize"], input="not json\n[1, 2]\n")
    assert result.exit_code == 1 and result.stdout == ""
    assert "line 1" in result.stderr and "line 2" in result.stderr


def one_line_error(args, monkeypatch, **settings) -> str:
    for name, value in settings.items():
        monkeypatch.setenv(f"NEWSLETTER_{name.upper()}", value)
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 1 and "Traceback" not in result.output
    [line] = [line for line in result.output.strip().splitlines()
              if not line.startswith("Database: ")]  # where it looked, said first
    return line


def test_a_malformed_database_url_is_one_line_naming_the_setting(cli_env, monkeypatch):
    line = one_line_error(["runs"], monkeypatch, database_url="postgres//db-host/newsletter")
    assert "NEWSLETTER_DATABASE_URL" in line and "not a database URL" in line


def test_an_unreachable_postgresql_is_one_line_naming_the_setting(cli_env, monkeypatch):
    url = f"postgresql+psycopg://postgres:secret@127.0.0.1:{free_port()}/newsletter"
    line = one_line_error(["db", "upgrade"], monkeypatch, database_url=url)
    assert line.startswith("Error: NEWSLETTER_DATABASE_URL: cannot use the database")
    assert "Connection refused" in line and "secret" not in line


def test_an_unreachable_redis_is_one_line_naming_the_setting(cli_env, monkeypatch):
    line = one_line_error(["run", "--all-due", f"--source=arxiv={sample_uri('arxiv_cs.xml')}"],
                          monkeypatch, redis_url=f"redis://127.0.0.1:{free_port()}/0")
    assert line.startswith("Error: NEWSLETTER_REDIS_URL: cannot reach Redis")
    assert "Connection refused" in line


def test_run_help_names_the_status_of_a_run_that_found_another_in_progress(cli_env):
    assert "75 another run of this database is in progress" in " ".join(
        invoke("run", "--help").output.split())
