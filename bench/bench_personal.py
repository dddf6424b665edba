"""Does the personal ranking learn? Precision at 10 of `newsletter.personal.rerank` against the
trending-only order, for simulated subscribers with hidden interests.

Run: PYTHONPATH=. python bench/bench_personal.py [--subscribers N] [--seed S] [--topical F]

The world. Every day brings a fresh edition of POOL_SIZE papers never seen before, generated
from tests/fixtures/labelled_papers.jsonl: each synthetic paper gets one or two topics (drawn as
often as they occur in the labelled set) and a bag of words, each word drawn from the labelled
abstracts of one of its topics with probability TOPICAL, else from all the abstracts. So no
sentence of a rated paper reappears in a later candidate. Trending scores are random
(log-normal) and independent of anyone's taste.

A subscriber hides a taste: two liked topics and one disliked topic, a paper is liked when the
sum of its topics' weights (+1, -1, else 0) is positive. Each day the subscriber receives the
top 10 of the personal ranking, rates each received paper with probability RATE_PROBABILITY,
voting by their taste but flipped with probability NOISE. The ranker sees only the texts, the
trending scores and these votes: never the topics or the taste.

Figures: precision at 10 (the share of the top 10 the subscriber truly likes, noise-free) of the
personal ranking and of the trending order on the same day's edition, after 0, 5, 10 and 20 days
of feedback, averaged over subscribers; "best" is the most any ranking could reach that day.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
from dataclasses import dataclass, field
from pathlib import Path

from newsletter.personal.model import has_enough_ratings, rerank
from newsletter.personal.view import PaperView
from newsletter.text.words import words

LABELS = Path(__file__).parent.parent / "tests" / "fixtures" / "labelled_papers.jsonl"
POOL_SIZE, DIGEST_SIZE = 40, 10
TOPICAL = 0.6  # default share of a synthetic abstract's words drawn from its own topics
RATE_PROBABILITY, NOISE = 0.3, 0.1
CHECKPOINTS = (0, 5, 10, 20)  # days of feedback before the measured digest


class PaperGenerator:
    """Synthetic papers whose words follow the labelled set's topics."""

    def __init__(self, labelled: list[dict], rng: random.Random, topical: float):
        self.rng, self.topical = rng, topical
        self.topic_words: dict[str, list[str]] = {}
        self.all_words: list[str] = []
        self.topics: list[str] = []  # one entry per labelled paper and topic: drawn as often
        self.lengths: list[int] = []
        for paper in labelled:
            tokens = words(f"{paper['title']} {paper['abstract']}")
            self.all_words += tokens
            self.lengths.append(len(tokens))
            for topic in paper["topics"]:
                self.topic_words.setdefault(topic, []).extend(tokens)
                self.topics.append(topic)
        self.count = 0

    def paper(self) -> PaperView:
        rng, self.count = self.rng, self.count + 1
        topics = sorted({rng.choice(self.topics) for _ in range(rng.choice((1, 1, 2)))})
        sources = [self.topic_words[t] for t in topics]
        text = [rng.choice(rng.choice(sources)) if rng.random() < self.topical
                else rng.choice(self.all_words) for _ in range(rng.choice(self.lengths))]
        return PaperView(id=f"syn-{self.count:05d}", title=" ".join(text[:8]),
                         abstract=" ".join(text[8:]), topics=tuple(topics))


@dataclass
class Subscriber:
    taste: dict[str, int]  # hidden: topic -> +1 / -1
    ratings: list = field(default_factory=list)

    def likes(self, paper: PaperView) -> bool:
        return sum(self.taste.get(topic, 0) for topic in paper.topics) > 0


def hidden_taste(topics: list[str], rng: random.Random) -> dict[str, int]:
    liked_a, liked_b, disliked = rng.sample(topics, 3)
    return {liked_a: 1, liked_b: 1, disliked: -1}


def precision(papers: list[PaperView], subscriber: Subscriber) -> float:
    return sum(subscriber.likes(p) for p in papers[:DIGEST_SIZE]) / DIGEST_SIZE


def one_day(pool: list[PaperView], trending: dict[str, float], subscriber: Subscriber,
            rng: random.Random) -> tuple[float, float, float]:
    """Rank, measure, deliver, rate: (personal P@10, trending P@10, best possible P@10)."""
    personal = [entry.paper for entry in rerank(pool, subscriber.ratings, trending)]
    by_trending = sorted(pool, key=lambda p: (-trending[p.id], p.id))
    best = sorted(pool, key=lambda p: not subscriber.likes(p))
    figures = (precision(personal, subscriber), precision(by_trending, subscriber),
               precision(best, subscriber))
    for paper in personal[:DIGEST_SIZE]:
        if rng.random() < RATE_PROBABILITY:
            vote = 1 if subscriber.likes(paper) else -1
            subscriber.ratings.append((paper, -vote if rng.random() < NOISE else vote))
    return figures


def simulate(subscribers: int, seed: int, topical: float) -> dict[int, list[tuple[float, float, float, bool]]]:
    """Per checkpoint, one (personal, trending, best, has a model) row per subscriber."""
    rng = random.Random(seed)
    labelled = [json.loads(line) for line in LABELS.read_text(encoding="utf-8").splitlines()]
    generator = PaperGenerator(labelled, rng, topical)
    topics = sorted(generator.topic_words)
    people = [Subscriber(hidden_taste(topics, rng)) for _ in range(subscribers)]
    rows: dict[int, list] = {day: [] for day in CHECKPOINTS}
    for day in range(max(CHECKPOINTS) + 1):
        pool = [generator.paper() for _ in range(POOL_SIZE)]
        trending = {p.id: rng.lognormvariate(0.0, 1.0) for p in pool}
        for person in people:
            modelled = has_enough_ratings(person.ratings)
            figures = one_day(pool, trending, person, rng)
            if day in rows:
                rows[day].append((*figures, modelled))
    return rows


def mean_and_error(values: list[float]) -> str:
    error = statistics.stdev(values) / len(values) ** 0.5 if len(values) > 1 else 0.0
    return f"{statistics.mean(values):.3f} ± {error:.3f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--subscribers", type=int, default=40)
    parser.add_argument("--seed", type=int, default=20261123)
    parser.add_argument("--topical", type=float, default=TOPICAL)
    args = parser.parse_args()
    print(f"seed {args.seed}, {args.subscribers} subscribers, editions of {POOL_SIZE} new papers,"
          f" top {DIGEST_SIZE} delivered, topical words {args.topical},"
          f" rate probability {RATE_PROBABILITY}, noise {NOISE}")
    rows = simulate(args.subscribers, args.seed, args.topical)
    print(f"{'days of feedback':>16}  {'with a model':>12}  {'personal P@10':>15}"
          f"  {'trending P@10':>15}  {'best P@10':>9}")
    for day, table in rows.items():
        personal, trending, best, modelled = zip(*table)
        print(f"{day:>16}  {sum(modelled):>5} / {len(table):<4}  {mean_and_error(personal):>15}"
              f"  {mean_and_error(trending):>15}  {statistics.mean(best):>9.3f}")


if __name__ == "__main__":
    main()
