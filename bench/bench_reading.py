"""The reading pages, search and the feeds under load on loopback, next to /healthz in the same
run, on SQLite with 100,000 stored papers.

Run: PYTHONPATH=. python bench/bench_reading.py [--papers N] [--requests N] [--concurrency C]
     [--only LABEL]...

Stores N papers (default 100,000) straight into a migrated SQLite database: each with two
topics of the default taxonomy, a summary by the configured (offline) model, carried by one of
365 daily editions, so a topic holds about N/9 papers; then indexes them for search as the
migration does. Serves it with `newsletter serve` (one uvicorn process, bench/load.py) and
drives it from C threads: GET /healthz, a topic's first page, its 100th page (a deep offset), a
paper's page, an edition's first page, a search for one paper's title ("paper 12345": one
match), a search whose words every paper has ("attention scaling": all N match, the worst
case), a topic's feed, the same feed asked with its ETag (a feed reader's poll: a 304), and the
feed of every topic. Prints requests per second and latency percentiles of each, and their
ratios to /healthz.
"""

from __future__ import annotations

import argparse
import datetime as dt
import tempfile
from pathlib import Path

import httpx
from sqlalchemy import insert
from sqlalchemy.orm import Session

from bench.load import run_load, start_server, summary, wait_until_up
from newsletter.config import OFFLINE_MODEL
from newsletter.db import make_engine, upgrade
from newsletter.models import Edition, EditionPaper, Paper, PaperTopic, Summary
from newsletter.search.index import rebuild
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
    with Session(engine) as session:
        rebuild(session)
        session.commit()
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
    # repeated rather than comma-separated: labels such as "topic feed, 304" hold commas
    parser.add_argument("--only", action="append", default=[],
                        help="a label to measure (repeat for more; /healthz always is)")
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
                 "paper page": f"/papers/{paper_id}", "edition page": f"/editions/{day}",
                 "search, 1 match": "/search?q=paper+12345",
                 "search, all match": "/search?q=attention+scaling",
                 "topic feed": f"/topics/{slug}/feed.atom",
                 "topic feed, 304": f"/topics/{slug}/feed.atom", "every topic feed": "/feed.atom"}
        chosen = {"GET /healthz", *args.only}
        try:
            wait_until_up(base)
            etag = httpx.get(f"{base}/topics/{slug}/feed.atom").headers["etag"]
            figures = {}
            for label, path in paths.items():
                if args.only and label not in chosen:
                    continue
                polled = label.endswith("304")
                headers = {"If-None-Match": etag} if polled else {}

                def get(client, token, tag, path=path, headers=headers):
                    return client.get(path, headers=headers)
                expected = 304 if polled else 200
                run_load(base, args.concurrency * 3, args.concurrency, get, expected)  # warm-up
                figures[label] = summary(label, *run_load(base, args.requests,
                                                          args.concurrency, get, expected))
        finally:
            server.terminate()
            server.wait(timeout=30)
    bare = figures["GET /healthz"]
    for label, measured in figures.items():
        print(f"{label:18} / healthz: throughput x{measured['rps'] / bare['rps']:.3f}, "
              f"p99 x{measured['p99'] / bare['p99']:.1f}")


if __name__ == "__main__":
    main()
