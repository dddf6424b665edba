"""Delivery throughput: N subscribers, all due, built, rendered and handed to the SendGrid
stand-in (tests/stubs/sendgrid_api.py, its own process, on loopback), batched versus naive.

Run: PYTHONPATH=. python bench/bench_delivery.py [--subscribers 100000] [--naive-sample 2000]
(`--whole-run`: a whole `newsletter run` against one MJML compile; `--sender-cpu`: the
sending thread's CPU per 1,000-reader request)

One SQLite database is seeded (an edition of 120 papers over the taxonomy, subscribers choosing
1 to 3 topics by a Zipf-like popularity, 10% choosing all topics, 5% another language), then
copied, so both paths start from the same state. Each path runs in a fresh process whose peak RSS
is its peak memory; the batched path's largest side process (render or send) is reported beside
it. The batched path delivers all N; the naive path (MJML rendered per subscriber, one request
and three commits per subscriber) runs on the first `--naive-sample` subscribers and its rate is
extrapolated to N.
"""

from __future__ import annotations

import argparse
import json
import math
import multiprocessing
import os
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import delete, func, insert, select

from bench.bench_ingest_parse import make_listing
from bench.side_peaks import SidePeaks
from newsletter.config import load_settings
from newsletter.db import session_scope, upgrade
from newsletter.delivery import digest_email, ledger
from newsletter.delivery.digest import Digest
from newsletter.delivery.picks import Picker
from newsletter.delivery.readers import addresses, due_readers
from newsletter.delivery.send import deliver_edition
from newsletter.editions.build import build_edition
from newsletter.mail.batch import PersonalizedBatch, expand
from newsletter.mail.sendgrid import MailSendEndpoint, SendGridMailer
from newsletter.models import (
    Delivery,
    Edition,
    EditionPaper,
    Paper,
    PaperTopic,
    Subscriber,
    utcnow,
)
from newsletter.services import Services
from newsletter.summarize.topics import load_taxonomy

PAPERS = 120
SEED_CHUNK = 20_000


def settings_for(folder: Path):
    return load_settings(database_url=f"sqlite:///{folder / 'bench.db'}", mail_backend="outbox",
                         base_url="https://digest.example.org", secret_key="bench-secret",
                         from_email="Paper Digest <digest@example.org>")


def seed(folder: Path, subscribers: int) -> None:
    """The edition and the subscribers, written in chunks (memory flat in N)."""
    settings = settings_for(folder)
    upgrade(settings.database_url)
    topics = load_taxonomy(None).names()
    rng = random.Random(7)
    with session_scope(Services(settings).factory) as session:
        for number in range(PAPERS):
            paper = Paper(id=f"2611.{number:05d}", title=f"A study of problem {number}",
                          title_key=f"study {number}", abstract="We study. " * 40,
                          authors=["A. Author", "B. Author"],
                          links={"abstract": f"https://arxiv.org/abs/2611.{number:05d}"})
            chosen = rng.sample(topics, rng.choice([1, 1, 2]))
            paper.topics = [PaperTopic(topic=t, rank=i) for i, t in enumerate(chosen)]
            session.add(paper)
        session.flush()
        build_edition(session, utcnow().date())
        weights = [1 / (rank + 1) for rank in range(len(topics))]
        for start in range(0, subscribers, SEED_CHUNK):
            rows = [_subscriber(n, topics, weights, rng)
                    for n in range(start, min(start + SEED_CHUNK, subscribers))]
            session.execute(insert(Subscriber), rows)
        session.commit()


def _subscriber(number: int, topics: list[str], weights: list[float], rng) -> dict:
    chosen = [] if rng.random() < 0.1 else sorted(set(
        rng.choices(topics, weights, k=rng.choice([1, 2, 2, 3]))))
    return {"email": f"reader{number}@example.com", "status": "confirmed", "topics": chosen,
            "language": "de" if rng.random() < 0.05 else "en", "frequency": "daily",
            "delivery_hour": 7, "timezone": "UTC", "confirmed_at": utcnow()}


class CountingEndpoint(MailSendEndpoint):
    """The Mail Send endpoint, counting the requests it makes."""

    requests = 0

    def send(self, body: bytes):
        self.requests += 1
        return super().send(body)


def mailer(api_url: str) -> SendGridMailer:
    return SendGridMailer("SG.bench", endpoint=CountingEndpoint("SG.bench", api_url))


def deliver_naively(session, settings, sendgrid: SendGridMailer, edition: Edition,
                    last_id: int) -> int:
    """The per-subscriber path: pick, claim, render MJML for this reader, one request, record."""
    picker, sent = Picker(session, settings, edition), 0
    for readers in due_readers(session, edition.id, None, last_id):
        for reader in readers:
            digest = Digest.of(reader, picker.picks([reader])[reader.id])
            [delivery_id] = ledger.claim_digests(session, edition.id,
                                                 {reader.id: digest.paper_ids}).values()
            [(email, secret)] = addresses(session, [reader.id]).values()
            recipient = digest_email.digest_recipient(settings, subscriber_id=reader.id,
                                                      secret=secret, email=email,
                                                      delivery_id=delivery_id)
            sections = picker.sections(digest.language, digest.papers, digest.topics)
            batch = digest_email.digest_batch(settings, edition.date, digest.frequency,  # no reuse
                                              digest.topics, sections, [recipient], edition.id)
            ledger.start_sending(session, [delivery_id])
            session.commit()
            message_id = sendgrid.send(expand(batch, batch.recipients[0]))
            ledger.record(session, [ledger.Outcome(delivery_id, message_id)])
            session.commit()
            sent += 1
    return sent


def phase(mode: str, folder: Path, api_url: str, sample: int) -> dict:
    """One measured delivery, in this (fresh) process."""
    settings = settings_for(folder)
    sendgrid = mailer(api_url)
    with session_scope(Services(settings).factory) as session:
        edition = session.scalar(select(Edition))
        started = time.perf_counter()
        with SidePeaks() as side:
            if mode == "batched":
                emails = deliver_edition(session, settings, sendgrid, edition)["sent"]
            else:
                emails = deliver_naively(session, settings, sendgrid, edition, sample)
        seconds = time.perf_counter() - started
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    # the largest side process (0 when the run rendered and sent in this one)
    return {"emails": emails, "seconds": seconds, "requests": sendgrid.endpoint.requests,
            "peak_mb": peak_mb, "side_mb": side.largest_mb}


def serve_stub(port_queue, counter=None) -> None:
    """The SendGrid stand-in, serving until terminated; `counter` (a multiprocessing.Value)
    counts the requests it answered."""
    from tests.stubs.sendgrid_api import SendGridStub

    stub = SendGridStub()
    stub.requests = _Discarding(counter)  # keep the figures, not 100,000 bodies
    stub.start()
    port_queue.put(stub.url)
    stub.serve_until_stopped()


class _Discarding(list):
    def __init__(self, counter=None):
        super().__init__()
        self.counter = counter

    def append(self, item) -> None:
        if self.counter is not None:
            with self.counter.get_lock():
                self.counter.value += 1


def run_phase(mode: str, folder: Path, api_url: str, sample: int) -> dict:
    command = [sys.executable, __file__, "--phase", mode, "--folder", str(folder),
               "--api-url", api_url, "--naive-sample", str(sample)]
    output = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    return json.loads(output.strip().splitlines()[-1])


def distinct_digests(folder: Path) -> int:
    settings = settings_for(folder)
    with session_scope(Services(settings).factory) as session:
        edition = session.scalar(select(Edition))
        picker, keys = Picker(session, settings, edition), set()
        for readers in due_readers(session, edition.id, None, None, chunk=10_000):
            picks = picker.picks(readers)
            keys.update(Digest.of(r, picks[r.id]) for r in readers if picks[r.id])
    return len(keys)


def whole_run_env(folder: Path, api_url: str) -> dict[str, str]:
    """The settings of `newsletter run` on the bench's database, mailing the stand-in."""
    return {**os.environ, "LITELLM_LOCAL_MODEL_COST_MAP": "True",
            "NEWSLETTER_DATABASE_URL": f"sqlite:///{folder / 'bench.db'}",
            "NEWSLETTER_MAIL_BACKEND": "sendgrid", "NEWSLETTER_SENDGRID_API_KEY": "SG.bench",
            "NEWSLETTER_SENDGRID_API_URL": api_url, "NEWSLETTER_ARXIV_API_URL": "",
            "NEWSLETTER_BASE_URL": "https://digest.example.org",
            "NEWSLETTER_SECRET_KEY": "bench-secret",
            "NEWSLETTER_FROM_EMAIL": "Paper Digest <digest@example.org>"}


def newsletter_run(folder: Path, api_url: str) -> dict:
    """One `newsletter run --all-due` of the listing in `folder`, in a fresh process: its wall
    time (interpreter start and imports included) and its peak RSS and its children's."""
    command = [sys.executable, __file__, "--phase", "run", "--folder", str(folder)]
    started = time.perf_counter()
    output = subprocess.run(command, check=True, capture_output=True, text=True,
                            env=whole_run_env(folder, api_url)).stdout
    seconds = time.perf_counter() - started
    return {**json.loads(output.strip().splitlines()[-1]), "seconds": seconds}


def run_phase_here(folder: Path) -> dict:
    """`newsletter run` as cron starts it, in this process; the peak memory it took."""
    from newsletter.cli import main as newsletter

    listing = (folder / "listing.xml").as_uri()
    with SidePeaks() as side:
        newsletter(["run", "--source", f"arxiv={listing}", "--all-due"], standalone_mode=False)
    return {"peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
            "side_mb": side.largest_mb}


def mjml_compile_seconds(repeat: int = 200) -> float:
    """The median time of compiling one 25-paper digest's MJML to HTML (mjml-python), the
    template already rendered: the unit a whole run's cost per email is measured against."""
    import mjml

    from emails import samples
    from emails.rendering import mjml_source

    papers = [samples.make_paper(number) for number in range(25)]
    context = samples.digest_context([samples.make_section(f"Topic {n}", papers[n * 5:n * 5 + 5])
                                      for n in range(5)])
    source = mjml_source("digest", context)
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        mjml.mjml2html(source, disable_comments=True, fonts={})
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def seed_day(folder: Path, api_url: str, subscribers: int) -> int:
    """A day already ingested and summarized once (the listing's 120 papers, their summaries
    cached), then the readers; its edition is removed so that the measured run builds it again.
    Return how many distinct digests the readers get."""
    folder.joinpath("listing.xml").write_bytes(make_listing(PAPERS, seed=7))
    newsletter_run(folder, api_url)  # nobody subscribed yet: ingest, summarize, edition
    settings = settings_for(folder)
    topics, rng = load_taxonomy(None).names(), random.Random(7)
    weights = [1 / (rank + 1) for rank in range(len(topics))]
    with session_scope(Services(settings).factory) as session:
        for start in range(0, subscribers, SEED_CHUNK):
            session.execute(insert(Subscriber), [
                _subscriber(n, topics, weights, rng)
                for n in range(start, min(start + SEED_CHUNK, subscribers))])
    digests = distinct_digests(folder)
    with session_scope(Services(settings).factory) as session:
        session.execute(delete(EditionPaper))
        session.execute(delete(Edition))
    return digests


def whole_run(subscribers: int) -> None:
    """Time a whole `newsletter run` to `subscribers` readers against one MJML compile."""
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        urls, requests = multiprocessing.Queue(), multiprocessing.Value("q", 0)
        stub = multiprocessing.Process(target=serve_stub, args=(urls, requests), daemon=True)
        stub.start()
        api_url = urls.get(timeout=30)
        digests = seed_day(folder, api_url, subscribers)
        requests.value = 0
        measured = newsletter_run(folder, api_url)
        compile_seconds = mjml_compile_seconds()
        with session_scope(Services(settings_for(folder)).factory) as session:
            sent = session.scalar(select(func.count()).select_from(Delivery)
                                  .where(Delivery.status == ledger.SENT))
        stub.terminate()
    per_email = measured["seconds"] / max(sent, 1)
    bound = math.ceil(subscribers / 1000) + digests
    print(f"subscribers {subscribers:,}; distinct digests {digests:,}; whole run "
          f"{measured['seconds']:.1f}s, {sent:,} emails sent, {requests.value:,} API requests "
          f"(bound ceil(N/1000) + digests = {bound:,}); peak RSS {measured['peak_mb']:.0f} MB "
          f"+ {measured['side_mb']:.0f} MB largest side process")
    print(f"per email: {per_email * 1e6:.0f} us; MJML compile: {compile_seconds * 1e6:.0f} us; "
          f"ratio Y/X {compile_seconds / per_email:.1f}")


def sender_cpu(requests: int = 20, rounds: int = 3) -> None:
    """The sending thread's CPU for `requests` batches of 1,000 readers each (links, headers and
    ids as a run makes them; a 90 KB shared part), sent through SendGridMailer to the stand-in
    in its own process: the transport's cost per request, without the rest of a run."""
    settings = settings_for(Path(tempfile.gettempdir()))
    batches = [_thousand_readers(settings, first=number * 1000) for number in range(requests)]
    urls = multiprocessing.Queue()
    stub = multiprocessing.Process(target=serve_stub, args=(urls,), daemon=True)
    stub.start()
    sendgrid = SendGridMailer("SG.bench", api_url=urls.get(timeout=30))
    for _ in range(rounds):
        cpu, wall = time.thread_time(), time.perf_counter()
        sent = sum(len(sendgrid.send_batch(batch).sent) for batch in batches)
        cpu, wall = time.thread_time() - cpu, time.perf_counter() - wall
        print(f"{sent:,} readers in {requests} requests: sender CPU {cpu / requests * 1e3:.1f} ms "
              f"a request, wall {wall / requests * 1e3:.1f} ms")
    stub.terminate()


def _thousand_readers(settings, first: int) -> PersonalizedBatch:
    recipients = [digest_email.digest_recipient(settings, subscriber_id=number,
                                                secret="abcdefghijklmnop",
                                                email=f"reader{number}@example.com",
                                                delivery_id=10_000 + number)
                  for number in range(first, first + 1000)]
    return PersonalizedBatch(from_email=settings.from_email, subject="Your digest",
                             text="A paper\n" * 3000, html='<p class="paper">A paper</p>\n' * 3000,
                             recipients=recipients, headers=digest_email.list_headers(settings),
                             categories=["digest"], custom_args={"edition_id": "1"},
                             addresses_checked=True)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--subscribers", type=int, default=100_000)
    parser.add_argument("--naive-sample", type=int, default=2_000)
    parser.add_argument("--whole-run", action="store_true",
                        help="time a whole `newsletter run` against one MJML compile instead")
    parser.add_argument("--sender-cpu", action="store_true",
                        help="time the sending thread's CPU per 1,000-reader request instead")
    parser.add_argument("--phase", choices=["batched", "naive", "run"])
    parser.add_argument("--folder", type=Path)
    parser.add_argument("--api-url")
    args = parser.parse_args()
    if args.phase == "run":
        print(json.dumps(run_phase_here(args.folder)))
    elif args.phase:
        print(json.dumps(phase(args.phase, args.folder, args.api_url, args.naive_sample)))
    elif args.whole_run:
        whole_run(args.subscribers)
    elif args.sender_cpu:
        sender_cpu()
    else:
        compare(args.subscribers, args.naive_sample)


def compare(subscribers: int, sample: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        batched_dir, naive_dir = Path(tmp, "batched"), Path(tmp, "naive")
        batched_dir.mkdir()
        seed(batched_dir, subscribers)
        shutil.copytree(batched_dir, naive_dir)
        digests = distinct_digests(batched_dir)
        urls = multiprocessing.Queue()
        stub = multiprocessing.Process(target=serve_stub, args=(urls,), daemon=True)
        stub.start()
        api_url = urls.get(timeout=30)
        naive = run_phase("naive", naive_dir, api_url, sample)
        batched = run_phase("batched", batched_dir, api_url, sample)
        stub.terminate()
    report(subscribers, digests, batched, naive)


def report(subscribers: int, digests: int, batched: dict, naive: dict) -> None:
    batched_rate = batched["emails"] / batched["seconds"]
    naive_rate = naive["emails"] / naive["seconds"]
    bound = math.ceil(subscribers / 1000) + digests
    print(f"subscribers {subscribers:,}; distinct digests {digests:,}")
    print(f"batched: {batched['emails']:,} emails in {batched['seconds']:.1f}s = "
          f"{batched_rate:,.0f} emails/s; {batched['requests']:,} API requests "
          f"(bound ceil(N/1000) + digests = {bound:,}); peak RSS {batched['peak_mb']:.0f} MB "
          f"+ {batched['side_mb']:.0f} MB largest side process")
    print(f"naive (sample of {naive['emails']:,}): {naive_rate:,.1f} emails/s; "
          f"{naive['requests']:,} requests; peak RSS {naive['peak_mb']:.0f} MB; "
          f"extrapolated to N: {subscribers / naive_rate / 60:,.1f} min")
    print(f"speed-up: {batched_rate / naive_rate:,.0f}x")


if __name__ == "__main__":
    main()
