"""A database or a Redis the command cannot use, through the real `newsletter` command in a
process of its own, for every command that opens them: one line naming the setting and what is
wrong (after the line saying where the database is), exit status 1, never a traceback."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.stubs.smtp_server import free_port
from tests.support.recorded import sample_uri

NEWSLETTER = str(Path(sys.executable).with_name("newsletter"))
SOURCE = f"--source=arxiv={sample_uri('arxiv_cs.xml')}"
# Every command that opens the database (demo keeps its own, in its folder).
DATABASE_COMMANDS = {
    "run": ["run", "--all-due", SOURCE], "serve": ["serve", "--port", "0"], "stats": ["stats"],
    "sources": ["sources"], "runs": ["runs"], "subscribe": ["subscribe", "a@example.org"],
    "import-subscribers": ["import-subscribers", "readers.csv"],
    "purge-unconfirmed": ["purge-unconfirmed"], "db upgrade": ["db", "upgrade"],
    "backfill": ["backfill", "--from", "2026-11-02", "--to", "2026-11-02", "--category", "cs.LG"],
    "summarize": ["summarize"],
}
BAD_DATABASES = {
    "malformed": ("postgres//db-host/newsletter", "is not a database URL"),
    "refused": (f"postgresql+psycopg://postgres:secret@127.0.0.1:{free_port()}/newsletter",
                "Connection refused"),
}
OTHER_BAD_DATABASES = {  # the same path in every command: tried on the commands cron and web use
    "no such host": ("postgresql+psycopg://postgres@db-host.invalid/newsletter",
                     "db-host.invalid"),
    "no such database": ("postgresql+psycopg://postgres@127.0.0.1:5432/newsletter_none_such",
                         'database "newsletter_none_such" does not exist'),
}


def problem_line(args: list[str], cwd: Path, **settings: str) -> str:
    """Run `newsletter ARGS` with these NEWSLETTER_ settings; the one line it says besides where
    the database is, once it has checked there is one line and no traceback."""
    (cwd / "readers.csv").write_text("email,topics\nada@example.org,NLP\n")
    env = {**os.environ, "NEWSLETTER_DATABASE_URL": f"sqlite:///{cwd / 'n.db'}",
           "NEWSLETTER_OUTBOX_DIR": str(cwd / "outbox"), "NEWSLETTER_ARXIV_API_URL": "",
           **{f"NEWSLETTER_{name.upper()}": value for name, value in settings.items()}}
    if "redis_url" not in settings:
        env.pop("NEWSLETTER_REDIS_URL", None)
    done = subprocess.run([NEWSLETTER, *args], cwd=cwd, env=env, input='{"id": "x"}\n',
                          capture_output=True, text=True, timeout=120, check=False)
    said = [line for line in (done.stdout + done.stderr).splitlines()
            if line and not line.startswith("Database: ")]
    assert done.returncode == 1 and "Traceback" not in done.stderr, done.stderr
    assert len(said) == 1, said
    return said[0]


@pytest.mark.parametrize("bad", BAD_DATABASES)
@pytest.mark.parametrize("command", DATABASE_COMMANDS)
def test_a_database_the_command_cannot_use_is_one_line_naming_the_setting(
        command, bad, tmp_path):
    url, what = BAD_DATABASES[bad]
    line = problem_line(DATABASE_COMMANDS[command], tmp_path, database_url=url)
    assert line.startswith("Error: ") and "NEWSLETTER_DATABASE_URL" in line and what in line
    assert "secret" not in line  # a password in the URL is never shown


@pytest.mark.postgres
@pytest.mark.parametrize("bad", OTHER_BAD_DATABASES)
@pytest.mark.parametrize("command", ["run", "serve"])
def test_a_postgresql_that_is_not_there_is_one_line_naming_the_setting(command, bad, tmp_path):
    url, what = OTHER_BAD_DATABASES[bad]
    line = problem_line(DATABASE_COMMANDS[command], tmp_path, database_url=url)
    assert line.startswith("Error: NEWSLETTER_DATABASE_URL: cannot use the database")
    assert what in line


def test_an_unreachable_redis_is_one_line_naming_the_setting(tmp_path):
    line = problem_line(["run", "--all-due", SOURCE], tmp_path,
                        redis_url=f"redis://127.0.0.1:{free_port()}/0")
    assert line.startswith("Error: NEWSLETTER_REDIS_URL: cannot reach Redis")
    assert "Connection refused" in line
