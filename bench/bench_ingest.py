"""How fast and how lean is a big day through the real ingest path (read a file, parse, upsert
into SQLite, commit), and what does it cost per item next to the bare library parse?

Writes the generated 5,000-item arXiv listing and 1,000-row Daily Papers response of
bench_ingest_parse.py to files and ingests each as a `file://` source with `ingest_source` into a
fresh migrated SQLite database: once when every paper is new, once again when every paper is
known. Prints items/s, the peak memory traced by tracemalloc (a separate run: tracing slows code
down) and the cost ratio: our time / feedparser.parse of the same bytes (json.loads for the JSON).

    python bench/bench_ingest.py [--items 5000] [--rows 1000]
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
import tracemalloc
from pathlib import Path

import feedparser
from bench_ingest_parse import best_time, make_daily_papers, make_listing

from newsletter.db import make_engine, make_session_factory, session_scope, upgrade
from newsletter.ingest.source import SourceReport, ingest_source
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


def main(argv: list[str] | None = None) -> None:
    options = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    options.add_argument("--items", type=int, default=5000)
    options.add_argument("--rows", type=int, default=1000)
    args = options.parse_args(argv)
    with tempfile.TemporaryDirectory() as folder:
        feedparser_options = {"sanitize_html": False, "resolve_relative_uris": False}
        bench(Path(folder), "arxiv", make_listing(args.items), args.items,
              ("feedparser.parse", lambda data: feedparser.parse(data, **feedparser_options)))
        bench(Path(folder), "hf", make_daily_papers(args.rows), args.rows,
              ("json.loads", json.loads))


if __name__ == "__main__":
    main()
