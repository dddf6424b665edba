"""TF-IDF vectors as sparse dicts, and cosine similarity: plain Python, no numpy needed."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable

Vector = dict[str, float]


def fit_idf(documents: Iterable[list[str]], min_df: int = 2) -> dict[str, float]:
    """Smoothed inverse document frequency, ln((1 + N) / (1 + df)) + 1, of the words in at
    least `min_df` documents: a word in every document still weighs 1. A word in one document
    only can tell nothing about another, so it is left out (and the model stays small)."""
    frequency: Counter[str] = Counter()
    count = 0
    for words in documents:
        frequency.update(set(words))
        count += 1
    return {
        word: math.log((1 + count) / (1 + df)) + 1.0
        for word, df in frequency.items() if df >= min_df
    }


def vectorize(words: list[str], idf: dict[str, float]) -> Vector:
    """Unit-length TF-IDF vector with sublinear term frequency (1 + ln tf), so a word repeated
    ten times does not outweigh ten different words. Words outside `idf` are dropped."""
    weights = {
        word: (1.0 + math.log(tf)) * idf[word] for word, tf in Counter(words).items() if word in idf
    }
    norm = math.sqrt(sum(w * w for w in weights.values()))
    return {word: w / norm for word, w in weights.items()} if norm else {}


def dot(a: Vector, b: Vector) -> float:
    """The dot product; the cosine similarity of two unit vectors from `vectorize`."""
    if len(a) > len(b):
        a, b = b, a
    return sum(weight * b.get(word, 0.0) for word, weight in a.items())
