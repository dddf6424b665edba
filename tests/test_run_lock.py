"""Two real `newsletter run` processes started together on one database, SQLite and PostgreSQL:
one runs the day, the other says in one line that a run is in progress and exits 75; nobody is
mailed twice. The first run's slow source (a real HTTP server sending its feed a few bytes at a
time) keeps it busy while the second starts."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from newsletter.cli import RUN_IN_PROGRESS
from newsletter.db import location
from tests.support.databases import postgres_database
from tests.support.outbox import read_outbox
from tests.support.recorded import sample, sample_uri

NEWSLETTER = str(Path(sys.executable).with_name("newsletter"))


@pytest.fixture
def fresh_postgres():
    """An empty PostgreSQL database, not even migrated: what a first deployment starts from."""
    with postgres_database() as url:
        yield url


def newsletter(*args: str, env: dict) -> subprocess.Popen:
    return subprocess.Popen([NEWSLETTER, *args], env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)


@pytest.mark.parametrize(
    "database", ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def test_a_second_run_started_meanwhile_says_so_in_one_line_and_exits_75(
        database, tmp_path, stand_in, request):
    url = (request.getfixturevalue("fresh_postgres") if database == "postgresql"
           else f"sqlite:///{tmp_path / 'fresh.db'}")
    outbox = tmp_path / "outbox"
    env = {**os.environ, "NEWSLETTER_DATABASE_URL": url, "NEWSLETTER_OUTBOX_DIR": str(outbox),
           "NEWSLETTER_ARXIV_API_URL": "", "LITELLM_LOCAL_MODEL_COST_MAP": "True"}
    env.pop("NEWSLETTER_REDIS_URL", None)
    subscribed = newsletter("subscribe", "ada@example.org", "--confirmed", env=env)
    assert subscribed.wait(timeout=60) == 0, subscribed.stderr.read()
    # about 4 s: 100 waits of 40 ms (4,105 waits of 1 ms took minutes on a loaded machine,
    # each wait lasting as long as the scheduler pleased)
    slow = stand_in.drip("/lab.xml", sample("lab_blog.xml"), every=0.04, chunk=42)
    sources = [f"--source=feed={slow}", f"--source=arxiv={sample_uri('arxiv_cs.xml')}"]
    runs = [newsletter("run", "--all-due", *sources, env=env) for _ in range(2)]
    finished = [(run.wait(timeout=300), *run.communicate()) for run in runs]
    codes = sorted(code for code, _, _ in finished)
    assert codes == [0, RUN_IN_PROGRESS], finished
    [(_, _, told)] = [result for result in finished if result[0] == RUN_IN_PROGRESS]
    where, line = told.strip().splitlines()  # where its database is, then why it stops
    assert where == f"Database: {location(url)}"
    assert line.startswith("A run is in progress (held by newsletter run, pid ")
    assert "this one exits without doing anything" in line
    assert list(read_outbox(str(outbox))) == ["ada@example.org"]
