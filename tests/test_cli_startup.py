"""Commands that need no new summary never import litellm (seconds and most of a run's memory):
real `newsletter` processes under `python -X importtime`, which logs every module imported."""

import os
import re
import subprocess
import sys
import time

import httpx

from tests.stubs.smtp_server import free_port
from tests.support.recorded import sample_uri

SOURCES = [f"--source=arxiv={sample_uri('arxiv_cs.xml')}",
           f"--source=hf={sample_uri('hf_daily_papers.json')}"]
LAUNCH = [sys.executable, "-X", "importtime", "-c", "from newsletter.cli import main; main()"]
CSRF_FIELD = re.compile(r'name="csrf_token" value="([^"]+)"')


def environment(tmp_path) -> dict:
    env = {**os.environ, "NEWSLETTER_DATABASE_URL": f"sqlite:///{tmp_path / 'n.db'}",
           "NEWSLETTER_OUTBOX_DIR": str(tmp_path / "outbox"), "NEWSLETTER_ARXIV_API_URL": ""}
    env.pop("NEWSLETTER_REDIS_URL", None)
    return env


def imported(module: str, importtime_log: str) -> bool:
    """Whether the log of `-X importtime` names `module` (its lines end in `| <indent>name`)."""
    return re.search(rf"\|\s*{re.escape(module)}$", importtime_log, re.MULTILINE) is not None


def imported_litellm(importtime_log: str) -> bool:
    return imported("litellm", importtime_log)


def newsletter(*args: str, env: dict) -> subprocess.CompletedProcess:
    done = subprocess.run([*LAUNCH, *args], check=False, env=env, capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    return done


def test_a_run_whose_summaries_are_all_cached_never_imports_litellm(tmp_path):
    env = environment(tmp_path)
    newsletter("subscribe", "ada@example.org", "--confirmed", "--topics", "NLP", env=env)
    first = newsletter("run", "--all-due", *SOURCES, env=env)
    assert imported_litellm(first.stderr)  # the summaries were made: the check can see it
    again = newsletter("run", "--all-due", *SOURCES, env=env)
    assert " 0 made, 32 cached" in again.stdout
    assert not imported_litellm(again.stderr)


def test_the_operators_commands_never_import_litellm(tmp_path):
    env = environment(tmp_path)
    newsletter("run", "--all-due", *SOURCES, env=env)
    for command in (["subscribe", "bob@example.org"], ["sources"], ["runs"]):
        assert not imported_litellm(newsletter(*command, env=env).stderr), command


def test_the_web_app_signs_up_without_importing_litellm(tmp_path):
    env = environment(tmp_path)
    newsletter("db", "upgrade", env=env)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    log = tmp_path / "importtime.log"  # a file, not a pipe: nobody reads it while it serves
    server = subprocess.Popen([*LAUNCH, "serve", "--port", str(port)],
                              env={**env, "NEWSLETTER_BASE_URL": base},
                              stdout=subprocess.DEVNULL, stderr=log.open("w"))
    try:
        with httpx.Client(base_url=base) as client:
            token = CSRF_FIELD.search(until_up(client).text).group(1)
            answer = client.post("/subscribe", headers={"Origin": base}, data={
                "email": "cy@example.org", "topics": ["NLP"], "csrf_token": token})
            assert answer.status_code == 200
            until_mailed(tmp_path / "outbox")
    finally:
        server.terminate()
        server.wait(timeout=60)
    assert imported("newsletter.web.app", log.read_text())  # the log is the server's
    assert not imported_litellm(log.read_text())


def until_up(client: httpx.Client) -> httpx.Response:
    """The landing page, once the server answers."""
    for _ in range(600):
        try:
            return client.get("/")
        except httpx.TransportError:
            time.sleep(0.1)
    raise AssertionError("the server did not start")


def until_mailed(outbox) -> None:
    """Wait for the sender thread to write the confirmation (it composes it after the answer)."""
    for _ in range(600):
        if list(outbox.glob("*.eml")):
            return
        time.sleep(0.1)
    raise AssertionError("no confirmation came")
