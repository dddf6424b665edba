"""What personal digests cost delivery: the time of one reader's `select_for_reader` (what
`newsletter.delivery.picks` computes for every reader who follows, mutes or voted) against the shared
cold-start pick (computed once per frequency, topics and limit).

Run: PYTHONPATH=. python bench/bench_personal_picks.py [--pool N] [--ratings N] [--repeat N]

Candidates are the labelled papers of tests/fixtures/labelled_papers.jsonl (a day's pool); a
reader voted on `--ratings` other labelled papers (alternating more / less), follows two authors
and mutes one keyword. Figures: milliseconds per reader, and the readers per second one core can
pick for.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

from newsletter.personal import Interests, PaperView, select_for_reader

LABELS = Path(__file__).parent.parent / "tests" / "fixtures" / "labelled_papers.jsonl"


def load_views() -> list[PaperView]:
    rows = [json.loads(line) for line in LABELS.read_text().splitlines() if line.strip()]
    return [PaperView(id=f"p{n}", title=row["title"], abstract=row["abstract"],
                      authors=(f"Author {n}",), topics=tuple(row["topics"]))
            for n, row in enumerate(rows)]


def per_reader_ms(pool, ratings, interests, repeat: int) -> float:
    trending = {view.id: float(len(pool) - rank) for rank, view in enumerate(pool)}
    started = time.perf_counter()
    for _ in range(repeat):
        select_for_reader(pool, ["Computer Vision", "NLP"], ratings, trending, interests, 25)
    return (time.perf_counter() - started) / repeat * 1000


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pool", type=int, default=100)
    parser.add_argument("--ratings", type=int, default=20)
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    views = load_views()
    pool, rated = views[:args.pool], views[args.pool:args.pool + args.ratings]
    ratings = [(view, 1 if n % 2 else -1) for n, view in enumerate(rated)]
    interests = Interests(authors=("Author 3", "Author 7"), muted_keywords=("adversarial",))
    print(f"pool {len(pool)} papers; {len(ratings)} ratings; limit 25")
    for label, votes, follows in (("cold start, shared", [], Interests()),
                                  ("follows and mutes only", [], interests),
                                  (f"{len(ratings)} ratings + follows", ratings, interests)):
        ms = per_reader_ms(pool, votes, follows, args.repeat)
        print(f"{label}: {ms:.1f} ms per reader = {1000 / ms:,.0f} readers/s")


if __name__ == "__main__":
    main()
