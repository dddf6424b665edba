"""A newcomer's first hour with the `newsletter` command: the database is where it says, a
read-only command never makes one, the demo says how to serve its own pages, and `run` mails
a reader confirmed today or says in words why not."""

import shlex
import socket

import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient

from newsletter.cli import main
from newsletter.config import load_settings
from newsletter.services import Services
from newsletter.web import create_app
from tests.support.cli import invoke
from tests.support.outbox import emails_in
from tests.support.recorded import sample_uri


@pytest.mark.parametrize("command", [["sources"], ["runs"]])
def test_a_read_only_command_never_creates_a_database(cli_workdir, command):
    result = CliRunner().invoke(main, command)
    assert result.exit_code == 1
    assert not (cli_workdir / "cli.db").exists()
    assert f"there is no database at {cli_workdir / 'cli.db'}" in result.stderr
    assert "newsletter db upgrade" in result.stderr and "NEWSLETTER_DATABASE_URL" in result.stderr


def test_an_empty_database_file_is_not_read_as_a_newsletter(cli_workdir):
    (cli_workdir / "cli.db").touch()  # what an older `newsletter sources` left behind
    result = CliRunner().invoke(main, ["runs"])
    assert result.exit_code == 1 and "has no newsletter tables yet" in result.stderr


def test_topics_needs_no_database_and_makes_none(cli_workdir):
    assert invoke("topics").exit_code == 0
    assert not (cli_workdir / "cli.db").exists()


@pytest.mark.parametrize("command", [["runs"], ["sources"], ["db", "upgrade"]])
def test_every_command_that_opens_the_database_says_where_it_is(cli_env, command):
    result = CliRunner().invoke(main, command)
    assert result.exit_code == 0, result.output
    assert result.stderr.splitlines()[0] == f"Database: {cli_env / 'cli.db'}"
    assert "Database:" not in result.stdout


def test_serve_says_where_its_database_is_before_serving(cli_env, monkeypatch):
    served = []
    monkeypatch.setattr("newsletter.web.server.serve_app", lambda *args: served.append(args))
    result = CliRunner().invoke(main, ["serve", "--port", "8123"])
    assert result.exit_code == 0, result.output
    assert f"Database: {cli_env / 'cli.db'}" in result.stderr and served[0][2] == 8123


def test_a_malformed_sources_setting_is_named_not_a_source_option(cli_env, monkeypatch):
    monkeypatch.setenv("NEWSLETTER_SOURCES", "garbage")
    result = CliRunner().invoke(main, ["sources"])
    assert result.exit_code == 1
    assert "NEWSLETTER_SOURCES" in result.output and "--source" not in result.output


def test_the_demo_prints_the_command_that_serves_its_own_database_where_its_links_lead(
        cli_workdir):
    result = invoke("demo")  # the slowest command: run once for both checks below
    assert result.exit_code == 0, result.output
    command = result.stdout.strip().splitlines()[-1]
    *assignments, program, serve, port_option, port = shlex.split(command)
    env = dict(assignment.split("=", 1) for assignment in assignments)
    assert (serve, port_option, port) == ("serve", "--port", "8000")  # the links' port
    demo_db = cli_workdir / "newsletter-demo" / "newsletter.db"
    assert env["NEWSLETTER_DATABASE_URL"] == f"sqlite:///{demo_db}"
    # what that command serves: the demo's readers, whose links are valid there
    settings = load_settings(database_url=env["NEWSLETTER_DATABASE_URL"],
                             outbox_dir=env["NEWSLETTER_OUTBOX_DIR"])
    link = next(line for message in emails_in(cli_workdir / "newsletter-demo" / "outbox")
                for line in message.get_body(("plain",)).get_content().split()
                if line.startswith("http://localhost:8000/preferences/"))
    app = create_app(Services(settings))
    try:
        page = TestClient(app).get(link.removeprefix("http://localhost:8000"))
    finally:
        app.state.notice_sender.stop()
    assert page.status_code == 200 and "Preferences for" in page.text
    # the tests' hostile-title paper is not in the demo's sample edition
    for message in emails_in(cli_workdir / "newsletter-demo" / "outbox"):
        text = message.get_body(("plain",)).get_content()
        assert "{{ config }}" not in text and "<script" not in text and "Attention Is" not in text


def test_run_mails_a_reader_subscribed_just_now_or_says_why_not(cli_env):
    invoke("subscribe", "you@example.org", "--topics", "Large Language Models,Robotics",
           "--confirmed")
    result = invoke("run", "--source", f"arxiv={sample_uri('arxiv_cs.xml')}")
    assert result.exit_code == 0, result.output
    assert "not due yet" not in result.output
    mailed = [m for m in emails_in(cli_env / "outbox") if m["To"] == "you@example.org"]
    # before 07:00 UTC the hour is still to come; from 07:00 the reader gets today's edition
    assert mailed or "1 hour not reached: at 07:00 UTC" in result.output


def test_an_unreachable_enrichment_service_does_not_fail_the_run(cli_env, monkeypatch):
    with socket.socket() as free:
        free.bind(("127.0.0.1", 0))
        refused = f"http://127.0.0.1:{free.getsockname()[1]}/api/query"
    monkeypatch.setenv("NEWSLETTER_ARXIV_API_URL", refused)
    result = invoke("run", "--all-due", "--source", f"hf={sample_uri('hf_daily_papers.json')}")
    assert result.exit_code == 0, result.output
    assert "warning: enrichment" in result.output and "FAILED" not in result.output


def test_preview_uses_the_configured_brand_and_base_url(cli_workdir, monkeypatch):
    monkeypatch.setenv("NEWSLETTER_SITE_NAME", "Lab Reading List")
    monkeypatch.setenv("NEWSLETTER_BASE_URL", "https://reading.lab.example")
    assert invoke("preview", "--template", "digest").exit_code == 0
    text = (cli_workdir / "preview" / "digest.txt").read_text()
    assert "Lab Reading List" in text and "ML Papers Daily" not in text
    assert "https://reading.lab.example/preferences/" in text
    assert "papers.example.org" not in text
