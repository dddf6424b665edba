"""The reading pages under load on loopback, next to /healthz in the same run, on SQLite with
100,000 stored papers.

Run: PYTHONPATH=. python bench/bench_reading.py [--papers N] [--requests N] [--concurrency C]

Stores N papers (default 100,000) straight into a migrated SQLite database: each with two
topics of the default taxonomy, a summary by the configured (offline) model, carried by one of
365 daily editions, so a topic holds about N/9 papers. Then serves it with `newsletter serve`
(one uvicorn process, the subscribe bench's harness) and drives it from C threads: GET /healthz,
a topic's first page, its 100th page (a deep offset), a paper's page and an edition's page.
Prints requests per second and latency percentiles of each, and their ratios to /healthz.
"""

from __future__ import annotations

import argparse
import datetime as dt
import tempfile
from pathlib import Path

from sqlalchemy import insert

from bench.bench_subscribe import run_load, start_server, summary, wait_until_up
from newsletter.config import OFFLINE_MODEL
from newsletter.db import make_engine, upgrade
from newsletter.models import Edition, EditionPaper, Paper, PaperTopic, Summary
from newsletter.summarize.prompt import PROMPT_VERSION
from newsletter.summarize.summaries import content_hash
from newsletter.summarize.topics import load_taxonomy
from tests.stubs.smtp_server import free_port

FIRST_DAY = dt.date(2025, 11, 24)
DAYS = 365


def seed(url: str, papers: int) -> tuple[str, str, dt.date]:
    """Store the papers; return (a topic's slug, a paper's id, an edition's date)."""
    topics = load_taxonomy().topics
    engine = make_engine(url)
    with engine.begin() as connection:
        connection.execute(insert(Edition), [{"id": day + 1, "date": FIRST_DAY + dt.timedelta(day)}
                                             for day in range(DAYS)])
        for start in range(0, papers, 10_000):
            rows = [_paper(number, topics) for number in range(start, min(start + 10_000, papers))]
            for table, key in ((Paper, "paper"), (PaperTopic, "topics"), (Summary, "summary"),
                               (EditionPaper, "edition")):
                values = [row[key] for row in rows]
                flat = [v for value in values for v in value] if key == "topics" else values
                connection.execute(insert(table), flat)
    engine.dispose()
    return topics[0].slug, _id(papers // 2), FIRST_DAY + dt.timedelta(DAYS - 1)


def _id(number: int) -> str:
    return f"25{number // 100_000:02d}.{number % 100_000:05d}"


def _paper(number: int, topics) -> dict:
    title = f"Paper {number}: attention, sparsity and scaling in model {number % 977}"
    abstract = f"We study problem {number}. Our method improves results by {number % 7} points."
    day = number % DAYS
    published = dt.datetime.combine(FIRST_DAY + dt.timedelta(day), dt.time(6))
    fields = {"tldr": f"What paper {number} found.", "highlights": ["One.", "Two.", "Three."],
              "summary": "S.", "methodology": "M.", "results": "R.", "implications": "I."}
    return {
        "paper": {"id": _id(number), "title": title, "title_key": title.lower()[:255],
                  "abstract": abstract, "authors": ["Ada Lovelace", "Alan Turing"],
                  "categories": ["cs.LG"], "links": {"abstract": "https://arxiv.org/abs/x"},
                  "published_at": published, "first_seen_at": published,
                  "updated_at": published, "trending_score": float(number % 100),
                  "announce": True},
        "topics": [{"paper_id": _id(number), "topic": topics[(number + k) % 9].name, "rank": k}
                   for k in range(2)],
        "summary": {"content_hash": content_hash(title, abstract), "requested_model": OFFLINE_MODEL,
                    "model": OFFLINE_MODEL, "prompt_version": PROMPT_VERSION, "language": "en",
                    "fields": fields},
        "edition": {"edition_id": day + 1, "paper_id": _id(number), "rank": number // DAYS},
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--papers", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=400)
    parser.add_argument("--concurrency", type=int, default=8)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-reading-") as name:
        folder = Path(name)
        url = f"sqlite:///{folder / 'bench.db'}"
        upgrade(url)
        slug, paper_id, day = seed(url, args.papers)
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        server = start_server(folder, port)
        paths = {"GET /healthz": "/healthz", "topic, page 1": f"/topics/{slug}",
                 "topic, page 100": f"/topics/{slug}?page=100",
                 "paper page": f"/papers/{paper_id}", "edition page": f"/editions/{day}"}
        try:
            wait_until_up(base)
            figures = {}
            for label, path in paths.items():
                def get(client, token, tag, path=path):
                    return client.get(path)
                run_load(base, args.concurrency * 3, args.concurrency, get)  # warm-up
                figures[label] = summary(label, *run_load(base, args.requests,
                                                          args.concurrency, get))
        finally:
            server.terminate()
            server.wait(timeout=30)
    bare = figures["GET /healthz"]
    for label, measured in figures.items():
        print(f"{label:16} / healthz: throughput x{measured['rps'] / bare['rps']:.3f}, "
              f"p99 x{measured['p99'] / bare['p99']:.1f}")


if __name__ == "__main__":
    main()
