"""How fast and how lean is parsing a big day? Our parsers against the bare library parse.

Generates, in memory, an rss.arxiv.org-style listing of 5,000 items and a Daily Papers response
of 1,000 rows, then times `newsletter.sources.arxiv.parse` against `feedparser.parse` of the same
bytes, and `newsletter.sources.hf.parse` against `json.loads`. Prints items/s (best of --repeat
runs), the peak memory traced by tracemalloc (a separate run: tracing slows code down), and the
cost ratio (our time / the library's time).

    PYTHONPATH=. python bench/bench_ingest_parse.py [--items 5000] [--rows 1000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import json
import random
import time
import tracemalloc
from collections.abc import Callable
from xml.sax.saxutils import escape

import feedparser

from newsletter.sources import arxiv, hf

WORDS = (
    "model learning neural training data language vision graph policy robust efficient sparse "
    "attention transformer diffusion benchmark reasoning agent optimization gradient latent "
    "inference scalable multimodal federated interpretable theory bound convergence speech"
).split()


def sentence(rng: random.Random, words: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(words)).capitalize() + "."


def make_listing(items: int, seed: int = 0) -> bytes:
    """An rss.arxiv.org-style RSS listing with `items` items of ~150-word abstracts; listings of
    different seeds name different papers."""
    rng = random.Random(seed)
    body = []
    for n in range(items):
        arxiv_id = f"2611.{seed * items + n:05d}"
        abstract = " ".join(sentence(rng, 15) for _ in range(10))
        authors = ", ".join(
            f"{rng.choice(WORDS).title()} {rng.choice(WORDS).title()}" for _ in range(4)
        )
        body.append(
            f"<item><title>{escape(sentence(rng, 10))}</title>"
            f"<link>https://arxiv.org/abs/{arxiv_id}</link>"
            f"<description>arXiv:{arxiv_id}v1 Announce Type: new \n"
            f"Abstract: {abstract}</description>"
            f'<guid isPermaLink="false">oai:arXiv.org:{arxiv_id}v1</guid>'
            "<category>cs.LG</category><category>cs.AI</category>"
            "<pubDate>Mon, 23 Nov 2026 00:00:00 -0500</pubDate>"
            "<arxiv:announce_type>new</arxiv:announce_type>"
            f"<dc:creator>{authors} and Last Author</dc:creator></item>"
        )
    return (
        "<?xml version='1.0' encoding='UTF-8'?>"
        '<rss xmlns:arxiv="http://arxiv.org/schemas/atom" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/" version="2.0">'
        "<channel><title>cs.LG updates on arXiv.org</title>" + "".join(body) + "</channel></rss>"
    ).encode()


def make_daily_papers(rows: int, seed: int = 0) -> bytes:
    """A Daily Papers API response with `rows` items shaped like the real API's."""
    rng = random.Random(seed)
    items = []
    for n in range(rows):
        paper = {
            "id": f"2611.{n:05d}",
            "authors": [
                {"_id": f"a{n}{k}", "name": f"Author {k}", "hidden": False} for k in range(5)
            ],
            "publishedAt": "2026-11-20T17:00:00.000Z",
            "title": sentence(rng, 10),
            "summary": " ".join(sentence(rng, 15) for _ in range(10)),
            "upvotes": rng.randint(0, 300),
            "githubRepo": f"https://github.com/lab/repo{n}",
            "githubStars": rng.randint(0, 5000),
        }
        items.append(
            {
                "paper": paper,
                "publishedAt": "2026-11-23T00:15:00.000Z",
                "title": paper["title"],
                "summary": paper["summary"],
                "numComments": rng.randint(0, 20),
                "submittedBy": {"name": "akhaliq", "fullname": "AK"},
            }
        )
    return json.dumps(items).encode()


def best_time(parse: Callable[[bytes], object], data: bytes, repeat: int) -> float:
    """The fastest of `repeat` runs, in seconds (the least disturbed by the rest of the machine)."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        parse(data)
        times.append(time.perf_counter() - start)
    return min(times)


def peak_memory(parse: Callable[[bytes], object], data: bytes) -> int:
    """Peak bytes allocated while parsing, as traced by tracemalloc."""
    tracemalloc.start()
    try:
        parse(data)
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def measure(label: str, parse: Callable, data: bytes, items: int, repeat: int) -> float:
    seconds = best_time(parse, data, repeat)
    peak = peak_memory(parse, data)
    print(
        f"  {label:<34} {items / seconds:>10,.0f} items/s  {seconds * 1000:>8.1f} ms  "
        f"peak {peak / 2**20:>7.1f} MiB"
    )
    return seconds


def _unsanitized(data: bytes) -> object:
    # What arxiv.parse asks of feedparser: the difference to it is our own layer's cost.
    return feedparser.parse(data, sanitize_html=False, resolve_relative_uris=False)


def main(argv: list[str] | None = None) -> None:
    options = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    options.add_argument("--items", type=int, default=5000)
    options.add_argument("--rows", type=int, default=1000)
    options.add_argument("--repeat", type=int, default=3)
    args = options.parse_args(argv)

    bench_listing(args.items, args.repeat)
    bench_daily_papers(args.rows, args.repeat)


def bench_listing(items: int, repeat: int) -> None:
    listing = make_listing(items)
    assert len(arxiv.parse(listing)) == items
    print(f"arXiv listing: {items:,} items, {len(listing) / 2**20:.1f} MiB")
    bare = measure("feedparser.parse (defaults)", feedparser.parse, listing, items, repeat)
    same = measure("feedparser.parse (our options)", _unsanitized, listing, items, repeat)
    ours = measure("newsletter arxiv.parse", arxiv.parse, listing, items, repeat)
    print(
        f"  cost ratio: ours / feedparser defaults {ours / bare:.2f}, "
        f"ours / feedparser with our options {ours / same:.2f}"
    )


def bench_daily_papers(rows: int, repeat: int) -> None:
    daily = make_daily_papers(rows)
    assert len(hf.parse(daily)) == rows
    print(f"Daily Papers: {rows:,} rows, {len(daily) / 2**20:.1f} MiB")
    bare = measure("json.loads", json.loads, daily, rows, repeat)
    ours = measure("newsletter hf.parse", hf.parse, daily, rows, repeat)
    print(f"  cost ratio: ours / json.loads {ours / bare:.2f}")


if __name__ == "__main__":
    main()
