"""Rendering a run's digests: plainly, and with the papers' parts kept across them (issue 20).

Run: PYTHONPATH=. python bench/bench_render.py [--subscribers 100000] [--rounds 3]

The workload of `bench_delivery.py --whole-run`: a generated listing of 120 papers ingested and
summarized by a first `newsletter run` (SendGrid stand-in, nobody subscribed), then N readers.
The contexts of the distinct digests those readers get are built as a delivery builds them
(`Picker.sections`, `digest_email.digest_batch`, which calls `emails.fit_digest`), recorded,
then rendered in this process, alternately plainly (`fit_digest(context)`) and with one
`emails.PaperParts` for all of them (a fresh one each round), `--rounds` times. Every fast
rendering is checked equal to the plain one. Printed: milliseconds per digest each way, the
parts kept, and the median of one 25-paper MJML compile (`bench_delivery.mjml_compile_seconds`).
"""

from __future__ import annotations

import argparse
import multiprocessing
import statistics
import tempfile
import time
from pathlib import Path

import emails
from bench import bench_delivery
from newsletter.db import session_scope
from newsletter.delivery import digest_email
from newsletter.delivery.digest import Digest
from newsletter.delivery.picks import Picker
from newsletter.delivery.readers import due_readers
from newsletter.editions.build import build_edition
from newsletter.models import utcnow
from newsletter.services import Services


def digest_contexts(subscribers: int) -> list[tuple[dict, int]]:
    """(context, fit limit) of each distinct digest of the whole-run workload."""
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        urls = multiprocessing.Queue()
        stub = multiprocessing.Process(target=bench_delivery.serve_stub, args=(urls,),
                                       daemon=True)
        stub.start()
        bench_delivery.seed_day(folder, urls.get(timeout=30), subscribers)
        stub.terminate()
        settings = bench_delivery.settings_for(folder)
        with session_scope(Services(settings).factory) as session:
            edition = build_edition(session, utcnow().date())  # seed_day left it to the run
            return _recorded(session, settings, edition)


def _recorded(session, settings, edition) -> list[tuple[dict, int]]:
    picker, digests = Picker(session, settings, edition), {}
    for readers in due_readers(session, edition.id, None, None, chunk=10_000):
        picks = picker.picks(readers)
        for reader in readers:
            if picks[reader.id]:
                digests.setdefault(Digest.of(reader, picks[reader.id]), None)
    recorded, fit = [], emails.fit_digest

    def recording(context, limit_bytes, parts=None):
        recorded.append((context, limit_bytes))
        return fit(context, limit_bytes=limit_bytes)

    digest_email.emails.fit_digest = recording
    try:
        for digest in digests:
            sections = picker.sections(digest.language, digest.papers, digest.topics)
            digest_email.digest_batch(settings, edition.date, digest.frequency, digest.topics,
                                      sections, [], edition.id, digest.more, digest.language)
    finally:
        digest_email.emails.fit_digest = fit
    return recorded


def timed(contexts: list[tuple[dict, int]], parts: emails.PaperParts | None):
    started = time.perf_counter()
    rendered = [emails.fit_digest(context, limit_bytes=limit, parts=parts)
                for context, limit in contexts]
    return (time.perf_counter() - started) / len(contexts), rendered


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--subscribers", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    contexts = digest_contexts(args.subscribers)
    papers = statistics.median(sum(len(s["papers"]) for s in c["sections"]) for c, _ in contexts)
    print(f"subscribers {args.subscribers:,}; distinct digests {len(contexts):,}; "
          f"median {papers:.0f} papers a digest")
    for number in range(1, args.rounds + 1):
        plain_seconds, plain = timed(contexts, None)
        parts = emails.PaperParts()
        fast_seconds, fast = timed(contexts, parts)
        assert fast == plain, "a digest rendered with kept parts differs from its plain rendering"
        compile_seconds = bench_delivery.mjml_compile_seconds()
        print(f"round {number}: plain {plain_seconds * 1e3:.2f} ms/digest; kept parts "
              f"{fast_seconds * 1e3:.2f} ms/digest ({len(parts):,} parts); "
              f"speed-up {plain_seconds / fast_seconds:.1f}x; MJML compile "
              f"{compile_seconds * 1e3:.2f} ms")


if __name__ == "__main__":
    main()
