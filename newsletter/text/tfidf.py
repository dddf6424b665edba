"""TF-IDF vectors as sparse dicts, and cosine similarity: plain Python, no numpy needed. The one
TF-IDF of the project: the personal ranking weighs papers with it, the offline summarizer the
sentences of an abstract (both over `newsletter.text.words.words`)."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable

Vector = dict[str, float]


def fit_idf(documents: Iterable[list[str]], min_df: int = 2) -> dict[str, float]:
    """Smoothed inverse document frequency, ln((1 + N) / (1 + df)) + 1, of the words in at
    least `min_df` documents: a word in every document still weighs 1. Across papers a word in
    one document only can tell nothing about another, so it is left out (and the model stays
    small); within one abstract (`min_df=1`) every word counts."""
    frequency: Counter[str] = Counter()
    count = 0
    for words in documents:
        frequency.update(set(words))
        count += 1
    return {
        word: math.log((1 + count) / (1 + df)) + 1.0
        for word, df in frequency.items() if df >= min_df
    }


def weigh(words: list[str], idf: dict[str, float]) -> Vector:
    """TF-IDF weights with sublinear term frequency (1 + ln tf), so a word repeated ten times
    does not outweigh ten different words. Words outside `idf` are dropped."""
    return {
        word: (1.0 + math.log(tf)) * idf[word] for word, tf in Counter(words).items() if word in idf
    }


def vectorize(words: list[str], idf: dict[str, float]) -> Vector:
    """The unit-length TF-IDF vector of `words` (`weigh`, scaled to length 1)."""
    return unit(weigh(words, idf))


def centroid(vectors: Iterable[Vector]) -> Vector:
    """The unit-length direction of the sum of `vectors`: what they have in common, each
    weighing as much as its length."""
    total: Counter[str] = Counter()
    for vector in vectors:
        total.update(vector)
    return unit(dict(total))


def dot(a: Vector, b: Vector) -> float:
    """The dot product; the cosine similarity of two unit vectors from `vectorize`."""
    if len(a) > len(b):
        a, b = b, a
    return sum(weight * b.get(word, 0.0) for word, weight in a.items())


def unit(weights: Vector) -> Vector:
    """`weights` scaled to length 1 (empty when all are zero)."""
    norm = math.sqrt(sum(w * w for w in weights.values()))
    return {word: w / norm for word, w in weights.items()} if norm else {}
