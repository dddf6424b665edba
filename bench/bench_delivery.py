"""Delivery throughput: N subscribers, all due, built, rendered and handed to the SendGrid
stand-in (tests/stubs/sendgrid_api.py, its own process, on loopback), batched versus naive.

Run: PYTHONPATH=. python bench/bench_delivery.py [--subscribers 100000] [--naive-sample 2000]

One SQLite database is seeded (an edition of 120 papers over the taxonomy, subscribers choosing
1 to 3 topics by a Zipf-like popularity, 10% choosing all topics, 5% another language), then
copied, so both paths start from the same state. Each path runs in a fresh process whose peak RSS
is its peak memory; the batched path's render process is reported beside it. The batched path
delivers all N; the naive path (MJML rendered per subscriber, one request and three commits per
subscriber) runs on the first `--naive-sample` subscribers and its rate is extrapolated to N.
"""

from __future__ import annotations

import argparse
import json
import math
import multiprocessing
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import insert, select

from newsletter.config import load_settings
from newsletter.db import session_scope, upgrade
from newsletter.delivery import digest_email, ledger
from newsletter.delivery.digest import Digest
from newsletter.delivery.picks import Picker
from newsletter.delivery.readers import addresses, due_readers
from newsletter.delivery.send import deliver_edition
from newsletter.editions.build import build_edition
from newsletter.mail.batch import expand
from newsletter.mail.sendgrid import SendGridMailer
from newsletter.models import Edition, Paper, PaperTopic, Subscriber, utcnow
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


class CountingClient:
    """The SDK client, counting the requests it makes."""

    def __init__(self, client):
        self.client, self.requests = client, 0

    def send(self, payload):
        self.requests += 1
        return self.client.send(payload)


def mailer(api_url: str) -> SendGridMailer:
    import sendgrid

    client = CountingClient(sendgrid.SendGridAPIClient(api_key="SG.bench", host=api_url))
    return SendGridMailer("SG.bench", api_url=api_url, client=client)


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
        if mode == "batched":
            emails = deliver_edition(session, settings, sendgrid, edition)["sent"]
        else:
            emails = deliver_naively(session, settings, sendgrid, edition, sample)
        seconds = time.perf_counter() - started
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    # the render process, joined when the run ended (0 when the run rendered in this one)
    render_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return {"emails": emails, "seconds": seconds, "requests": sendgrid.client.requests,
            "peak_mb": peak_mb, "render_mb": render_mb}


def serve_stub(port_queue) -> None:
    from tests.stubs.sendgrid_api import SendGridStub

    stub = SendGridStub()
    stub.requests = _Discarding()  # keep the figures, not 100,000 bodies
    stub.start()
    port_queue.put(stub.url)
    stub.serve_until_stopped()


class _Discarding(list):
    def append(self, item) -> None:
        pass


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


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--subscribers", type=int, default=100_000)
    parser.add_argument("--naive-sample", type=int, default=2_000)
    parser.add_argument("--phase", choices=["batched", "naive"])
    parser.add_argument("--folder", type=Path)
    parser.add_argument("--api-url")
    args = parser.parse_args()
    if args.phase:
        print(json.dumps(phase(args.phase, args.folder, args.api_url, args.naive_sample)))
        return
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
          f"+ {batched['render_mb']:.0f} MB render process")
    print(f"naive (sample of {naive['emails']:,}): {naive_rate:,.1f} emails/s; "
          f"{naive['requests']:,} requests; peak RSS {naive['peak_mb']:.0f} MB; "
          f"extrapolated to N: {subscribers / naive_rate / 60:,.1f} min")
    print(f"speed-up: {batched_rate / naive_rate:,.0f}x")


if __name__ == "__main__":
    main()
