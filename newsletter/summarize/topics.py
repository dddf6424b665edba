"""The topic taxonomy and the tagging of papers with topics.

The taxonomy is a TOML file (`newsletter/data/taxonomy.toml` by default; an operator may point
`load_taxonomy` at a file of their own in the same format, which replaces the default). Each
`[[topic]]` has a `name`, a `slug`, a one-line `description`, `categories` (arXiv category ->
weight) and `keywords` (phrase -> weight). An optional `[scoring]` table sets the parameters below.

The tagging model is an additive evidence score per topic, deterministic and explainable:

- keyword evidence: every keyword phrase is matched on word boundaries, case-insensitively, with a
  hyphen and a space treated alike and an optional plural "s"/"es". A phrase found in the title
  adds `weight * title_weight`; found in one of the keywords a source gives the paper (Hugging
  Face's `ai_keywords`) it adds `weight * keyword_weight`; found in the abstract it adds
  `weight * abstract_weight`, plus half that for each repeat, up to two repeats (so one phrase
  cannot carry a topic by repetition alone). The title and the categories are what the authors
  chose to say what the paper is; the abstract also names what it builds on and compares with,
  so it weighs less, except for a paper with no categories (a blog post), where it counts in full;
- category evidence: the paper's primary arXiv category (the first one) adds its full weight, every
  cross-listed category `cross_list_factor` times it. A key matches a category exactly ("cs.CV")
  or as a whole archive ("q-bio" matches "q-bio.BM");
- a topic is kept when its score reaches `threshold` (so a lone weak hit does not tag) and at least
  `relative_cutoff` times the best topic's score (so a paper is not tagged with every topic it
  brushes against), or when its categories alone reach `threshold` (the authors filed it there);
- a topic may name broader-or-overlapping topics it `defers_to` (NLP defers to Large Language
  Models and Speech & Audio): it is dropped when one of those is kept with a higher score, because
  a cs.CL paper about an LLM is an LLM paper for a reader, not also a generic NLP one.
Topics come best first, ties broken by name, at most `max_topics`.
"""

from __future__ import annotations

import functools
import re
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

DEFAULT_TAXONOMY_PATH = Path(__file__).resolve().parents[1] / "data" / "taxonomy.toml"
_SCORING_DEFAULTS = {
    "threshold": 3.0,
    "title_weight": 2.0,
    "cross_list_factor": 0.5,
    "relative_cutoff": 0.3,
    "keyword_weight": 2.0,
    "abstract_weight": 1.0,
}
_MAX_REPEATS = 2


class TaxonomyError(ValueError):
    """A taxonomy file that cannot be used; the message names the file and the problem."""


@dataclass(frozen=True)
class Topic:
    """One topic: its display name, URL slug, description and the evidence that implies it."""

    name: str
    slug: str
    description: str
    categories: Mapping[str, float] = field(default_factory=dict)
    keywords: Mapping[str, float] = field(default_factory=dict)
    defers_to: tuple[str, ...] = ()


@dataclass(frozen=True)
class Scoring:
    """The parameters of the tagging model (see the module docstring)."""

    threshold: float = _SCORING_DEFAULTS["threshold"]
    title_weight: float = _SCORING_DEFAULTS["title_weight"]
    cross_list_factor: float = _SCORING_DEFAULTS["cross_list_factor"]
    relative_cutoff: float = _SCORING_DEFAULTS["relative_cutoff"]
    keyword_weight: float = _SCORING_DEFAULTS["keyword_weight"]
    abstract_weight: float = _SCORING_DEFAULTS["abstract_weight"]


class Taxonomy:
    """An ordered set of topics with look-ups by name (case-insensitive) and by slug."""

    def __init__(self, topics: list[Topic], scoring: Scoring | None = None) -> None:
        self.topics: tuple[Topic, ...] = tuple(topics)
        self.scoring = scoring or Scoring()
        self._by_name = {t.name.casefold(): t for t in self.topics}
        self._by_slug = {t.slug: t for t in self.topics}
        # Compiled once per taxonomy: tagging runs for every paper of every day.
        self._patterns = {
            t.name: [(_Phrase.of(p), w) for p, w in t.keywords.items()] for t in self.topics
        }

    def names(self) -> list[str]:
        """The topic names in taxonomy order."""
        return [t.name for t in self.topics]

    def by_name(self, name: str) -> Topic | None:
        """The topic with this name, ignoring case; None when there is none."""
        return self._by_name.get(name.strip().casefold())

    def by_slug(self, slug: str) -> Topic | None:
        """The topic with this slug; None when there is none."""
        return self._by_slug.get(slug)


@dataclass(frozen=True)
class _Phrase:
    """A keyword phrase's regex (whole words, any case, hyphen ~ space, optional plural), and
    its words lower-cased when they are all ASCII, to skip the regex on a text that lacks one.

    Scanning every abstract with every phrase's regex was most of a run's tagging time (the
    look-behind leaves `re` nothing to skip ahead to); a missing word rules a match out
    exactly when both the words and the text are ASCII, where ignoring case is `lower()`."""

    pattern: re.Pattern[str]
    ascii_words: tuple[str, ...]

    @classmethod
    def of(cls, phrase: str) -> _Phrase:
        words = re.split(r"[\s\-]+", phrase.strip())
        body = r"[\s\-]+".join(re.escape(w) for w in words)
        ascii_words = tuple(w.lower() for w in words) if all(w.isascii() for w in words) else ()
        return cls(re.compile(rf"(?<!\w){body}(?:e?s)?(?!\w)", re.IGNORECASE), ascii_words)

    def search(self, text: _Text) -> bool:
        return self.may_occur(text) and self.pattern.search(text.text) is not None

    def count(self, text: _Text) -> int:
        return len(self.pattern.findall(text.text)) if self.may_occur(text) else 0

    def may_occur(self, text: _Text) -> bool:
        return (text.lowered is None or not self.ascii_words
                or all(word in text.lowered for word in self.ascii_words))


@dataclass(frozen=True)
class _Text:
    """A text tagged, and its lower-cased form when it is all ASCII (else None)."""

    text: str
    lowered: str | None

    @classmethod
    def of(cls, text: str) -> _Text:
        return cls(text, text.lower() if text.isascii() else None)


def load_taxonomy(path: str | Path | None = None) -> Taxonomy:
    """Load a taxonomy file; None gives the bundled default (loaded once and cached).

    Raises TaxonomyError (a ValueError) naming the file and the problem when the file is not
    valid TOML or does not describe a taxonomy (missing or mistyped fields, duplicate names or
    slugs, unknown `defers_to` names, no topics).
    """
    if path is None:
        return _default_taxonomy()
    return _load(Path(path))


@functools.cache
def _default_taxonomy() -> Taxonomy:
    return _load(DEFAULT_TAXONOMY_PATH)


def _load(path: Path) -> Taxonomy:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise TaxonomyError(f"{path}: cannot read taxonomy: {exc}") from exc
    try:
        return _parse(data)
    except TaxonomyError as exc:
        raise TaxonomyError(f"{path}: {exc}") from exc


def _parse(data: dict) -> Taxonomy:
    entries = data.get("topic")
    if not isinstance(entries, list) or not entries:
        raise TaxonomyError("no [[topic]] entries")
    topics = [_parse_topic(i, entry) for i, entry in enumerate(entries, start=1)]
    for attr in ("name", "slug"):
        values = [getattr(t, attr).casefold() for t in topics]
        duplicates = sorted({v for v in values if values.count(v) > 1})
        if duplicates:
            raise TaxonomyError(f"duplicate topic {attr}: {', '.join(duplicates)}")
    known = {t.name for t in topics}
    for topic in topics:
        unknown = [name for name in topic.defers_to if name not in known]
        if unknown:
            raise TaxonomyError(f"topic {topic.name!r} defers to unknown topic(s): {unknown}")
    return Taxonomy(topics, _parse_scoring(data.get("scoring", {})))


def _parse_topic(index: int, entry: object) -> Topic:
    if not isinstance(entry, dict):
        raise TaxonomyError(f"topic #{index} is not a table")
    where = f"topic #{index} ({entry.get('name', 'unnamed')})"
    for key in ("name", "slug", "description"):
        if not isinstance(entry.get(key), str) or not entry[key].strip():
            raise TaxonomyError(f"{where}: '{key}' must be a non-empty string")
    return Topic(
        name=entry["name"].strip(),
        slug=entry["slug"].strip(),
        description=entry["description"].strip(),
        categories=_weights(entry.get("categories", {}), f"{where}: 'categories'"),
        keywords=_weights(entry.get("keywords", {}), f"{where}: 'keywords'"),
        defers_to=_names(entry.get("defers_to", []), f"{where}: 'defers_to'"),
    )


def _names(value: object, where: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise TaxonomyError(f"{where} must be a list of topic names")
    return tuple(value)


def _weights(table: object, where: str) -> dict[str, float]:
    """A table of string -> positive number, as a dict of floats."""
    if not isinstance(table, dict):
        raise TaxonomyError(f"{where} must be a table of name = weight")
    for key, weight in table.items():
        if isinstance(weight, bool) or not isinstance(weight, int | float) or weight <= 0:
            raise TaxonomyError(f"{where}: weight of {key!r} must be a positive number")
    return {key: float(weight) for key, weight in table.items()}


def _parse_scoring(table: object) -> Scoring:
    if not isinstance(table, dict):
        raise TaxonomyError("[scoring] must be a table")
    unknown = sorted(set(table) - set(_SCORING_DEFAULTS))
    if unknown:
        raise TaxonomyError(f"[scoring]: unknown key(s) {', '.join(unknown)}")
    values = _weights(table, "[scoring]")
    return Scoring(**values)


def tag(
    title: str,
    abstract: str,
    categories: list[str],
    taxonomy: Taxonomy | None = None,
    max_topics: int = 3,
    keywords: Sequence[str] = (),
) -> list[str]:
    """The names of the topics of a paper, best first: none, or 1 to `max_topics` of them.

    `keywords` are the tags a source gives the paper (Hugging Face's `ai_keywords`), if any.
    """
    taxonomy = taxonomy or load_taxonomy()
    evidence = _evidence(title, abstract, categories, taxonomy, keywords)
    if not evidence:
        return []
    scoring = taxonomy.scoring
    scores = {name: filed + said for name, (filed, said) in evidence.items()}
    floor = max(scoring.threshold, scoring.relative_cutoff * max(scores.values()))
    # A topic the authors filed the paper under (its categories alone reach the threshold) is
    # kept however strongly the text speaks of another topic: "Depth Anything Under Fog" is a
    # cs.CV paper, whatever its abstract says about weather.
    kept = {name: score for name, score in scores.items()
            if score >= floor or evidence[name][0] >= scoring.threshold}
    kept = {
        name: score
        for name, score in kept.items()
        if not any(kept.get(other, 0.0) > score for other in taxonomy.by_name(name).defers_to)
    }
    return [name for name in sorted(kept, key=lambda n: (-kept[n], n))][:max_topics]


def score_topics(
    title: str,
    abstract: str,
    categories: list[str],
    taxonomy: Taxonomy | None = None,
    keywords: Sequence[str] = (),
) -> dict[str, float]:
    """The evidence score of every topic with any evidence (for tagging and for explaining it)."""
    evidence = _evidence(title, abstract, categories, taxonomy or load_taxonomy(), keywords)
    return {name: filed + said for name, (filed, said) in evidence.items()}


def _evidence(
    title: str, abstract: str, categories: list[str], taxonomy: Taxonomy, keywords: Sequence[str]
) -> dict[str, tuple[float, float]]:
    """Per topic with any evidence: (the score of its categories, the score of its phrases)."""
    scoring = taxonomy.scoring
    tags = " | ".join(keywords)
    # A paper filed under categories is judged by them and its title first; one without any
    # (a blog post) has only its text to go by, so its abstract counts in full.
    abstract_weight = scoring.abstract_weight if categories else 1.0
    texts = _Text.of(title), _Text.of(abstract), _Text.of(tags)
    evidence = {}
    for topic in taxonomy.topics:
        filed = _category_score(topic, categories, scoring)
        said = sum(_phrase_score(phrase, weight, *texts, scoring, abstract_weight)
                   for phrase, weight in taxonomy._patterns[topic.name])
        if filed + said > 0:
            evidence[topic.name] = (filed, said)
    return evidence


def _phrase_score(phrase: _Phrase, weight: float, title: _Text, abstract: _Text,
                  tags: _Text, scoring: Scoring, abstract_weight: float) -> float:
    score = weight * scoring.title_weight if phrase.search(title) else 0.0
    if tags.text and phrase.search(tags):
        score += weight * scoring.keyword_weight
    hits = phrase.count(abstract)
    if hits:
        score += weight * abstract_weight * (1 + 0.5 * min(hits - 1, _MAX_REPEATS))
    return score


def _category_score(topic: Topic, categories: list[str], scoring: Scoring) -> float:
    score = 0.0
    for position, category in enumerate(categories):
        factor = 1.0 if position == 0 else scoring.cross_list_factor
        score += factor * sum(
            weight
            for key, weight in topic.categories.items()
            if category == key or category.startswith(key + ".")
        )
    return score
