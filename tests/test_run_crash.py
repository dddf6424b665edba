"""A real `newsletter run` SIGKILLed mid-delivery over SMTP (a real local server, slow to answer
each message): a run started at once says in one line that the dead run still holds the day
(its pid) and exits 75; once the dead run's lease has run out, the next run takes its readers
over, says so, and every reader has the digest, every copy of it under one Message-ID."""

import os
import signal
import subprocess
import sys
import time
from collections import defaultdict
from contextlib import nullcontext
from pathlib import Path

import pytest

from newsletter.cli import RUN_IN_PROGRESS
from tests.stubs.smtp_server import SmtpServer
from tests.support.cluster import until
from tests.support.databases import postgres_database
from tests.support.recorded import sample_uri

NEWSLETTER = str(Path(sys.executable).with_name("newsletter"))
READERS = [f"reader{n}@example.org" for n in range(6)]
SOURCES = [f"--source=arxiv={sample_uri('arxiv_cs.xml')}",
           f"--source=hf={sample_uri('hf_daily_papers.json')}"]


@pytest.fixture
def smtp_server():
    with SmtpServer(answer_delay=0.5) as server:  # each message kept, answered half a second later
        yield server


def newsletter(*args: str, env: dict, **options) -> subprocess.CompletedProcess:
    return subprocess.run([NEWSLETTER, *args], env=env, capture_output=True, text=True,
                          timeout=300, check=False, **options)


def message_ids_by_reader(server: SmtpServer) -> dict[str, set[str]]:
    ids = defaultdict(set)
    for received in list(server.messages):
        ids[received.message["To"]].add(received.message["Message-ID"])
    return dict(ids)


@pytest.mark.parametrize(
    "database", ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def test_a_killed_run_is_named_by_the_next_and_its_readers_taken_over_after_its_lease(
        database, tmp_path, smtp_server):
    sqlite = nullcontext(f"sqlite:///{tmp_path / 'n.db'}")
    with postgres_database() if database == "postgresql" else sqlite as url:
        env = {**os.environ, "NEWSLETTER_DATABASE_URL": url, "NEWSLETTER_MAIL_BACKEND": "smtp",
               "NEWSLETTER_SMTP_URL": smtp_server.url(), "NEWSLETTER_ARXIV_API_URL": "",
               "LITELLM_LOCAL_MODEL_COST_MAP": "True"}  # and the default lease, 30 s
        env.pop("NEWSLETTER_REDIS_URL", None)
        for reader in READERS:
            assert newsletter("subscribe", reader, "--confirmed", env=env).returncode == 0
        doomed = subprocess.Popen([NEWSLETTER, "run", "--all-due", *SOURCES], env=env,
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        until(lambda: len(smtp_server.messages) >= 2, 120, "the second message")
        os.kill(doomed.pid, signal.SIGKILL)  # kept by the server, not yet answered
        doomed.wait()

        meanwhile = newsletter("run", "--all-due", *SOURCES, env=env)
        assert meanwhile.returncode == RUN_IN_PROGRESS, meanwhile.stderr
        [said] = [line for line in meanwhile.stderr.splitlines() if line.startswith("A run")]
        assert f"held by newsletter run, pid {doomed.pid} " in said

        heir = until(lambda: _finished(newsletter("run", "--all-due", *SOURCES, env=env)), 120,
                     "a run after the dead one's lease")
        assert heir.returncode == 0, heir.stderr
        assert "taken over from a run that died, sent again" in heir.stdout
        by_reader = message_ids_by_reader(smtp_server)
        assert set(by_reader) == set(READERS)  # never a gap
        assert all(len(ids) == 1 for ids in by_reader.values()), by_reader  # one Message-ID each


def _finished(run: subprocess.CompletedProcess) -> subprocess.CompletedProcess | None:
    """The run, unless it found the day still held (then wait before the next try)."""
    if run.returncode != RUN_IN_PROGRESS:
        return run
    time.sleep(5)
    return None
