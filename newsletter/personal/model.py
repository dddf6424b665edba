"""The per-subscriber ranking: a logistic regression over TF-IDF of the papers they rated,
blended with the trending score; trending order until they have rated enough.

Blend (recorded in docs/benchmarks.md too):

    score = PERSONAL_WEIGHT * liking percentile + (1 - PERSONAL_WEIGHT) * trending percentile

where a percentile is the paper's rank among today's candidates, by the model's P(like) or by
trending score, scaled to [0, 1] (1 = the best). Ranks, not raw values: trending scores have no
fixed scale (they decay by the hour) and P(like) is skewed by how many ratings were negative.
The model is fitted only once the subscriber has rated at least MIN_RATINGS papers with at
least one of each sign; before that (cold start) the order is the trending order and the score
is the trending score itself."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import NamedTuple

from newsletter.personal.interests import Interests
from newsletter.personal.logistic import LogisticModel, fit_logistic
from newsletter.personal.reasons import reason_for
from newsletter.personal.view import PaperView
from newsletter.text.tfidf import Vector, dot, fit_idf, vectorize
from newsletter.text.words import words

MIN_RATINGS = 5  # fewer ratings than this say too little about a reader's taste
PERSONAL_WEIGHT = 0.7  # chosen before measuring, not tuned on the bench
L2 = 1.0

Rating = tuple[PaperView, int]  # a rated paper and the vote, +1 or -1


class Ranked(NamedTuple):
    paper: PaperView
    score: float
    reason: str


@dataclass(frozen=True)
class TasteProfile:
    """What the ratings say: the IDF of the day's texts, the liked papers' vectors (for
    "Similar to ..."), and the model, None in cold start."""

    idf: dict[str, float]
    liked: list[tuple[str, Vector]]
    model: LogisticModel | None

    def vector(self, paper: PaperView) -> Vector:
        return vectorize(words(paper.text), self.idf)

    def nearest_liked(self, x: Vector) -> tuple[str, float] | None:
        """The title of the liked paper most similar to `x`, and the cosine."""
        scored = [(dot(x, v), title) for title, v in self.liked]
        if not scored:
            return None
        similarity, title = max(scored, key=lambda pair: pair[0])
        return title, similarity


def has_enough_ratings(ratings: Sequence[Rating]) -> bool:
    votes = [vote for _, vote in ratings]
    return len(votes) >= MIN_RATINGS and 1 in votes and -1 in votes


def learn_taste(ratings: Sequence[Rating], candidates: Sequence[PaperView]) -> TasteProfile:
    """The profile of one subscriber. IDF is taken over the rated papers and today's candidates
    (the candidates' texts only, never a label), so words new today still weigh right."""
    texts = {paper.id: words(paper.text) for paper in [*(p for p, _ in ratings), *candidates]}
    idf = fit_idf(texts.values())
    vectors = [vectorize(texts[paper.id], idf) for paper, _ in ratings]
    liked = [(paper.title, x) for (paper, vote), x in zip(ratings, vectors) if vote > 0]
    model = None
    if has_enough_ratings(ratings):
        model = fit_logistic(vectors, [1 if vote > 0 else -1 for _, vote in ratings], L2)
    return TasteProfile(idf, liked, model)


def rerank(candidates: Sequence[PaperView], ratings: Sequence[Rating],
           trending_scores: Mapping[str, float], interests: Interests | None = None,
           topic_of: Mapping[str, str] | None = None) -> list[Ranked]:
    """Today's candidates best first for this subscriber, each with its score and reason line.
    Cold start: trending order (ties by id), score = trending score. `topic_of` optionally names
    the topic a paper is listed under, for its reason line."""
    scores, nearest = dict(trending_scores), {}
    if ratings:  # without votes there is no taste to learn: skip the vectors (most readers)
        profile = learn_taste(ratings, candidates)
        vectors = {paper.id: profile.vector(paper) for paper in candidates}
        nearest = {pid: profile.nearest_liked(x) for pid, x in vectors.items()}
        if profile.model is not None:
            liking = {pid: profile.model.probability(x) for pid, x in vectors.items()}
            scores = blend(percentiles(candidates, liking),
                           percentiles(candidates, trending_scores))
    ranked = [
        Ranked(paper, scores.get(paper.id, 0.0), reason_for(
            paper, interests, nearest.get(paper.id), (topic_of or {}).get(paper.id)))
        for paper in candidates
    ]
    return sorted(ranked, key=lambda r: (-r.score, r.paper.id))


def blend(liking: Mapping[str, float], trending: Mapping[str, float]) -> dict[str, float]:
    """PERSONAL_WEIGHT x the liking percentile + the rest x the trending percentile."""
    return {pid: PERSONAL_WEIGHT * liking[pid] + (1 - PERSONAL_WEIGHT) * trending[pid]
            for pid in liking}


def percentiles(candidates: Sequence[PaperView], scores: Mapping[str, float]) -> dict[str, float]:
    """Each candidate's rank by `scores` scaled to [0, 1], 1 the highest; equal scores share
    their average rank; a lone candidate gets 1. Missing scores count as 0."""
    order = sorted(candidates, key=lambda p: scores.get(p.id, 0.0))
    if len(order) < 2:
        return {p.id: 1.0 for p in order}
    positions: dict[float, list[int]] = {}
    for position, paper in enumerate(order):
        positions.setdefault(scores.get(paper.id, 0.0), []).append(position)
    last = len(order) - 1
    average = {score: sum(found) / len(found) / last for score, found in positions.items()}
    return {p.id: average[scores.get(p.id, 0.0)] for p in order}
