"""A source that sends its headers and then a byte at a time, on a real HTTP server on
127.0.0.1: its download is given up at the fetch deadline, it is named in the report, and the
other sources' papers still reach the readers. The sources are read at once, a few at a time,
and the arXiv enrichment keeps the same deadline."""

import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from newsletter.day import Day, run_daily
from newsletter.ingest.source import ingest_all
from newsletter.sources import SourceSpec, sample_sources
from newsletter.sources.fetch import Deadline, FetchError
from tests.stubs.feeds import Answer
from tests.support.cast import TODAY
from tests.support.databases import services_with
from tests.support.fetching import NO_WAIT
from tests.support.outbox import read_outbox
from tests.support.recorded import recorded, sample, sample_uri

NEWSLETTER = str(Path(sys.executable).with_name("newsletter"))


def test_a_download_that_drips_is_given_up_at_its_deadline(stand_in):
    url = stand_in.drip("/slow.xml", sample("lab_blog.xml"), every=0.5)
    with pytest.raises(FetchError, match="not downloaded within its deadline of 1 s"):
        NO_WAIT(url, timeout=20.0, deadline=Deadline.after(1.0))


def test_a_dripping_source_is_named_and_the_day_goes_on(cast, services, stand_in):
    cast.reader("ada@example.org", [])
    cast.commit()
    slow = SourceSpec("feed", stand_in.drip("/slow.xml", sample("lab_blog.xml"), every=0.5))
    hurried = services_with(services, fetch_deadline=2.0)
    report = run_daily(hurried, [slow, *sample_sources()[:2]], Day(TODAY), fetcher=NO_WAIT)
    assert [source.url for source in report.failures] == [slow.url]
    assert "not downloaded within its deadline of 2 s" in report.failures[0].error
    assert f"source feed {slow.url}: FAILED" in "\n".join(report.lines())
    assert report.edition_size > 0 and report.deliveries["sent"] == 1
    assert list(read_outbox(services.settings.outbox_dir)) == ["ada@example.org"]


def test_newsletter_run_names_a_source_sending_a_byte_every_5_s_and_mails_the_rest(
        tmp_path, stand_in):
    """The operator's case, whole: the real command in a process of its own, the deadline set in
    its environment, a server sending one byte every five seconds."""
    outbox = tmp_path / "outbox"
    env = {**os.environ, "NEWSLETTER_DATABASE_URL": f"sqlite:///{tmp_path / 'n.db'}",
           "NEWSLETTER_OUTBOX_DIR": str(outbox), "NEWSLETTER_ARXIV_API_URL": "",
           "NEWSLETTER_FETCH_DEADLINE": "2", "LITELLM_LOCAL_MODEL_COST_MAP": "True"}
    env.pop("NEWSLETTER_REDIS_URL", None)
    subscribed = subprocess.run([NEWSLETTER, "subscribe", "ada@example.org", "--confirmed"],
                                env=env, capture_output=True, text=True, timeout=120, check=False)
    assert subscribed.returncode == 0, subscribed.stderr
    slow = stand_in.drip("/lab.xml", sample("lab_blog.xml"), every=5.0)
    run = subprocess.run(
        [NEWSLETTER, "run", "--all-due", f"--source=feed={slow}",
         f"--source=arxiv={sample_uri('arxiv_cs.xml')}",
         f"--source=hf={sample_uri('hf_daily_papers.json')}"],
        env=env, capture_output=True, text=True, timeout=300, check=False)
    assert run.returncode == 1, run.stderr  # a source failed; the rest of the day went on
    [failed] = [line for line in run.stdout.splitlines() if "FAILED" in line]
    assert failed.strip().startswith(f"source feed {slow}: FAILED")
    assert "not downloaded within its deadline of 2 s" in failed
    assert "1 sent" in run.stdout
    assert list(read_outbox(str(outbox))) == ["ada@example.org"]


class Rendezvous:
    """A route whose answer waits until `together` requests are in flight at once (a barrier,
    broken after `patience` seconds), counting the most it ever saw in flight: sources read
    one after another break it, more than the bound at once show in the count."""

    def __init__(self, body: bytes, together: int, patience: float = 30.0):
        self.body, self.barrier = body, threading.Barrier(together, timeout=patience)
        self.in_flight = self.most = 0
        self._lock = threading.Lock()

    def __call__(self, _query: dict) -> Answer:
        with self._lock:
            self.in_flight += 1
            self.most = max(self.most, self.in_flight)
        try:
            self.barrier.wait()
            return Answer(self.body)
        except threading.BrokenBarrierError:
            return Answer(b"nobody came along", status=404)
        finally:
            with self._lock:
                self.in_flight -= 1


def test_sources_are_read_at_once_and_no_more_than_the_bound(services, stand_in):
    meeting = Rendezvous(sample("lab_blog.xml"), together=2)
    specs = [SourceSpec("feed", stand_in.serve(f"/lab{n}.xml", meeting)) for n in range(4)]
    reports = ingest_all(services.factory, specs, fetcher=NO_WAIT, date=TODAY, at_once=2)
    assert [report.error for report in reports] == [None] * 4  # each met another in flight
    assert meeting.most == 2


def test_a_dripping_enrichment_api_is_given_up_at_the_deadline_and_the_day_goes_on(
        cast, services, stand_in):
    """The lab's feed names arXiv papers, so the run asks arXiv's export API about them; that API
    sends its answer a sixth at a time every five seconds (half a minute in all)."""
    cast.reader("ada@example.org", [])
    cast.commit()
    answer = recorded("arxiv_api_query.xml")
    api = stand_in.drip("/api/query", answer, every=5.0, chunk=len(answer) // 6 + 1)
    hurried = services_with(services, fetch_deadline=2.0, arxiv_api_url=api)
    lab = SourceSpec("feed", sample_uri("lab_blog.xml"))
    report = run_daily(hurried, [lab], Day(TODAY), fetcher=NO_WAIT)
    assert report.enrichment is not None
    assert "not downloaded within its deadline of 2 s" in (report.enrichment.error or "")
    assert report.failures == [] and report.warnings  # best-effort: a warning, not a failure
    assert report.deliveries["sent"] == 1
    assert list(read_outbox(services.settings.outbox_dir)) == ["ada@example.org"]
