"""L2-regularized logistic regression over sparse vectors, fitted by accelerated gradient
descent: deterministic (no random start, no shuffling), plain Python.

The fitted model minimizes  sum_i ln(1 + exp(-y_i (w.x_i + b)))  +  (l2 / 2) |w|^2  with labels
y_i in {+1, -1}; the bias b is not penalized. The penalty is a fixed prior, not scaled by the
number of examples, so the more a subscriber rates the more confident the model may become.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from newsletter.text.tfidf import Vector

MAX_ITERATIONS = 100
TOLERANCE = 1e-4  # gradient norm under which the fit has converged: ample for ranking


@dataclass(frozen=True)
class LogisticModel:
    weights: dict[str, float]
    bias: float

    def probability(self, x: Vector) -> float:
        """P(label = +1 | x)."""
        return _sigmoid(sum(w * self.weights.get(word, 0.0) for word, w in x.items()) + self.bias)


def _sigmoid(z: float) -> float:
    if z >= 0:
        return 1.0 / (1.0 + math.exp(-z))
    e = math.exp(z)
    return e / (1.0 + e)


def fit_logistic(vectors: list[Vector], labels: list[int], l2: float = 1.0) -> LogisticModel:
    """Fit on unit-length (or shorter) vectors; labels are +1 or -1."""
    vocabulary = sorted({word for x in vectors for word in x})
    index = {word: i for i, word in enumerate(vocabulary)}
    rows = [[(index[word], value) for word, value in x.items()] for x in vectors]
    # |(x, 1)|^2 <= 2, so the gradient is Lipschitz with constant n / 2 + l2: a safe step
    step = 1.0 / (len(rows) / 2.0 + l2)
    theta = [0.0] * (len(vocabulary) + 1)  # weights, then the bias
    previous = theta
    for k in range(1, MAX_ITERATIONS + 1):
        momentum = (k - 2) / (k + 1) if k > 1 else 0.0
        look = [t + momentum * (t - p) for t, p in zip(theta, previous)]
        gradient = _gradient(look, rows, labels, l2)
        previous, theta = theta, [v - step * g for v, g in zip(look, gradient)]
        if math.sqrt(sum(g * g for g in gradient)) < TOLERANCE:
            break
    return LogisticModel(dict(zip(vocabulary, theta[:-1])), theta[-1])


def _gradient(theta: list[float], rows, labels: list[int], l2: float) -> list[float]:
    bias = len(theta) - 1
    gradient = [l2 * t for t in theta]
    gradient[bias] = 0.0
    for row, y in zip(rows, labels):
        margin = y * (sum(theta[i] * v for i, v in row) + theta[bias])
        factor = -y * _sigmoid(-margin)
        for i, v in row:
            gradient[i] += factor * v
        gradient[bias] += factor
    return gradient
