"""How fast and how lean is a big day through the real ingest path (read a file, parse, upsert
into SQLite, commit), and what does it cost per item next to the bare library parse? And does a
day of many slow sources cost the slowest one, not the sum?

Volume (`--part volume`): writes the generated 5,000-item arXiv listing and 1,000-row Daily
Papers response of bench_ingest_parse.py to files and ingests each as a `file://` source with
`ingest_source` into a fresh migrated SQLite database: once when every paper is new, once again
when every paper is known. Prints items/s, the peak memory traced by tracemalloc (a separate
run: tracing slows code down) and the cost ratio: our time / feedparser.parse of the same bytes
(json.loads for the JSON).

Latency (`--part latency`): ten stand-in feed servers, each on a loopback address of its own
(127.0.0.2 to 127.0.0.11: a host each, as real sources are, since the fetcher paces each host),
wait 0.2 to 2.0 s before sending a listing of `--per-source` new papers. Each source is first
ingested alone, one after the other (the sum), then all of them as a run does (`ingest_all`,
over real HTTP, into a fresh database). Prints each source's cost, the sum, the slowest, the
run's wall time and its ratios to both.

    python bench/bench_ingest.py [--part all|volume|latency] [--items 5000] [--rows 1000]
                                 [--per-source 50]
"""

from __future__ import annotations

import argparse
import json
import tempfile
import threading
import time
import tracemalloc
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import feedparser
from bench_ingest_parse import best_time, make_daily_papers, make_listing

from newsletter.db import make_engine, make_session_factory, session_scope, upgrade
from newsletter.ingest.source import SourceReport, ingest_all, ingest_source
from newsletter.sources import SourceSpec


def ingest_once(folder: Path, spec: SourceSpec, name: str, times: int) -> list[SourceReport]:
    """Ingest `spec` `times` times into a new database; return each ingest's report and time."""
    url = f"sqlite:///{folder / name}.db"
    upgrade(url)
    engine = make_engine(url)
    factory, reports = make_session_factory(engine), []
    for _ in range(times):
        start = time.perf_counter()
        with session_scope(factory) as session:
            report = ingest_source(session, spec)
        report.seconds = time.perf_counter() - start
        reports.append(report)
    engine.dispose()
    return reports


def traced_peak(folder: Path, spec: SourceSpec, name: str) -> int:
    """Peak bytes allocated by one first ingest, as traced by tracemalloc."""
    url = f"sqlite:///{folder / name}.db"
    upgrade(url)  # outside the trace: the schema is not the ingest's cost
    engine = make_engine(url)
    tracemalloc.start()
    try:
        with session_scope(make_session_factory(engine)) as session:
            ingest_source(session, spec)
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
        engine.dispose()


def bench(folder: Path, kind: str, data: bytes, count: int, baseline: tuple[str, object]) -> None:
    path = folder / f"{kind}.data"
    path.write_bytes(data)
    spec = SourceSpec(kind, path.as_uri())
    label, parse = baseline
    bare = best_time(parse, data, 3)  # the best of three: the least disturbed by neighbours
    first, again = ingest_once(folder, spec, f"{kind}-timed", 2)
    assert first.new == count and again.unchanged == count, (first.as_dict(), again.as_dict())
    peak = traced_peak(folder, spec, f"{kind}-traced")
    print(f"{kind}: {count:,} items, {len(data) / 2**20:.1f} MiB")
    print(f"  {label:<28} {count / bare:>8,.0f} items/s {bare * 1000:>8.0f} ms")
    for what, report in (("ingest, all new", first), ("ingest again, all known", again)):
        print(f"  {what:<28} {count / report.seconds:>8,.0f} items/s "
              f"{report.seconds * 1000:>8.0f} ms  cost ratio {report.seconds / bare:.1f}")
    print(f"  peak memory of the first ingest (tracemalloc): {peak / 2**20:.1f} MiB")


LATENCIES = (0.2, 0.4, 0.6, 0.8, 1.0, 1.2, 1.4, 1.6, 1.8, 2.0)  # seconds, one per source


class SlowFeed:
    """A feed server on `host` that waits `latency` seconds, then answers every GET with `body`."""

    def __init__(self, host: str, latency: float, body: bytes) -> None:
        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                time.sleep(latency)
                self.send_response(200)
                self.send_header("Content-Type", "application/rss+xml")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.latency = latency
        self.server = ThreadingHTTPServer((host, 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"http://{host}:{self.server.server_address[1]}/listing.xml"

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def fresh_factory(folder: Path, name: str):
    url = f"sqlite:///{folder / name}.db"
    upgrade(url)
    return make_session_factory(make_engine(url))


def read_day(folder: Path, name: str, specs: list[SourceSpec], per_source: int) -> float:
    """Seconds `ingest_all` takes to read and store `specs` into a fresh database."""
    factory = fresh_factory(folder, name)
    start = time.perf_counter()
    reports = ingest_all(factory, specs)
    seconds = time.perf_counter() - start
    assert [report.new for report in reports] == [per_source] * len(specs), reports
    return seconds


def bench_latency(folder: Path, per_source: int) -> None:
    listings = [make_listing(per_source, seed=n) for n in range(len(LATENCIES))]
    feeds = [SlowFeed(f"127.0.0.{n + 2}", latency, listing)
             for n, (latency, listing) in enumerate(zip(LATENCIES, listings, strict=True))]
    prompt = [SlowFeed(f"127.0.0.{n + 2}", 0.0, listing) for n, listing in enumerate(listings)]
    try:
        alone_factory, alone = fresh_factory(folder, "alone"), []
        for feed in feeds:
            start = time.perf_counter()
            with session_scope(alone_factory) as session:
                report = ingest_source(session, SourceSpec("arxiv", feed.url))
            alone.append(time.perf_counter() - start)
            assert report.new == per_source, report.as_dict()
            print(f"  source answering after {feed.latency:.1f} s, alone: {alone[-1]:6.2f} s")
        floor = read_day(folder, "floor", [SourceSpec("arxiv", f.url) for f in prompt], per_source)
        wall = read_day(folder, "day", [SourceSpec("arxiv", f.url) for f in feeds], per_source)
    finally:
        for feed in feeds + prompt:
            feed.stop()
    total, slowest = sum(alone), max(alone)
    print(f"{len(feeds)} sources of {per_source} new papers each: sum {total:.2f} s, "
          f"slowest {slowest:.2f} s; read concurrently (ingest_all): {wall:.2f} s")
    print(f"  wall / slowest x{wall / slowest:.2f}, wall / sum x{wall / total:.2f}")
    print(f"  the same sources answering at once (parse and store only): {floor:.2f} s; "
          f"wall - that = {wall - floor:.2f} s for a slowest answer of {max(LATENCIES):.1f} s")


def main(argv: list[str] | None = None) -> None:
    options = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    options.add_argument("--part", choices=("all", "volume", "latency"), default="all")
    options.add_argument("--items", type=int, default=5000)
    options.add_argument("--rows", type=int, default=1000)
    options.add_argument("--per-source", type=int, default=50)
    args = options.parse_args(argv)
    with tempfile.TemporaryDirectory() as folder:
        if args.part in ("all", "volume"):
            feedparser_options = {"sanitize_html": False, "resolve_relative_uris": False}
            bench(Path(folder), "arxiv", make_listing(args.items), args.items,
                  ("feedparser.parse", lambda data: feedparser.parse(data, **feedparser_options)))
            bench(Path(folder), "hf", make_daily_papers(args.rows), args.rows,
                  ("json.loads", json.loads))
        if args.part in ("all", "latency"):
            bench_latency(Path(folder), args.per_source)


if __name__ == "__main__":
    main()
