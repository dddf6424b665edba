"""The built-in offline summarizer: an extractive, deterministic stand-in for an LLM.

It never invents text: every field is a sentence of the abstract (made to stand alone, see
`newsletter.summarize.sentences`), or the title when the abstract is empty. It writes English only.
The method:

1. Clean the title and abstract (`newsletter.text.clean_text`: TeX as Unicode, no markdown) and
   split the abstract into sentences; sentences about code, data, links or venues
   (`newsletter.text.is_boilerplate`) are never used.
2. Score each sentence by the cosine between its TF-IDF vector and the abstract's centroid.
3. tldr = the sentence that best says what the paper contributes or finds ("we propose", "we
   show", its main result): background, questions, sentences opening with "It" or "These" and
   sentences that cannot be cut to 40 words at a clause are passed over. Never cut mid-sentence.
4. The sentences that set the scene (background, and what comes before the first "we propose")
   are kept for the summary. highlights = 3 other sentences (4 from a long abstract): the
   method, a key result and the scope, in abstract order; then methodology, results and
   implications each take the best remaining sentence that fits the role (empty when none
   does), and summary the scene and what is left, up to 3 sentences. No sentence is used twice.
5. topics = `newsletter.summarize.topics.tag` over the title, abstract and categories.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from newsletter.summarize import sentences as sent
from newsletter.summarize.topics import Taxonomy, tag
from newsletter.text import clean_text, is_boilerplate
from newsletter.text.tfidf import centroid, dot, fit_idf, unit, weigh
from newsletter.text.word_lists import alternatives, cue_tables
from newsletter.text.words import words

TLDR_WORDS = 40
HIGHLIGHT_WORDS = 40
MAX_HIGHLIGHTS = 4
SUMMARY_SENTENCES = 3
_INTRODUCES = re.compile(  # "we propose", "we introduce": newsletter/data/sentence_cues.toml
    r"\b" + alternatives(cue_tables("sentence_cues")["extractive"]["introduces"]) + r"\w*\b",
    re.IGNORECASE)


@dataclass
class Candidate:
    """One sentence of the abstract: its position, its stand-alone text, its centrality, and
    whether it is in the abstract's second half (where the outlook usually is)."""

    index: int
    text: str
    centrality: float
    late: bool = False

    @property
    def words(self) -> int:
        return len(self.text.split())


def centrality(texts: list[str]) -> list[float]:
    """Cosine of each sentence's TF-IDF vector (over the abstract's sentences) with their
    centroid: how much a sentence says of what the whole abstract is about. The centroid sums
    the sentences' weights before scaling, so a long sentence pulls it as much as it says."""
    bags = [words(text) for text in texts]
    idf = fit_idf(bags, min_df=1)
    weights = [weigh(bag, idf) for bag in bags]
    middle = centroid(weights)
    return [dot(unit(weight), middle) for weight in weights]


def candidates(abstract: str) -> list[Candidate]:
    """The abstract's usable sentences, boilerplate left out, each made to stand alone."""
    texts = [sent.standalone(s) for s in sent.split_sentences(abstract)]
    scores = centrality(texts)
    return [Candidate(i, text, score, late=i >= len(texts) / 2)
            for i, (text, score) in enumerate(zip(texts, scores)) if not is_boilerplate(text)]


def first_contribution(pool: list[Candidate]) -> int | None:
    """The position of the first sentence that says what the paper does."""
    return next((c.index for c in pool if sent.is_contribution(c.text)), None)


def tldr_score(candidate: Candidate, first_contribution: int | None) -> float:
    """How well a sentence says what the paper contributes; the best one is the TL;DR."""
    text = candidate.text
    score = candidate.centrality
    if sent.is_contribution(text):
        score += 1.0 + 0.5 * bool(_INTRODUCES.search(text))
        score += 0.3 * (candidate.index == first_contribution)
    score += 0.4 * (sent.role_fit(text)["result"] > 0)
    score -= 1.0 * sent.is_background(text) + 0.6 * sent.is_anaphoric(text)
    score -= 1.0 * ("?" in text) + 0.8 * (candidate.words < 6)
    return score


def _highlight_score(candidate: Candidate) -> float:
    fit = sent.role_fit(candidate.text)
    return (candidate.centrality + 0.3 * min(fit["method"], 2) + 0.4 * min(fit["result"], 2)
            + 0.2 * min(fit["scope"], 1) + 0.3 * sent.is_contribution(candidate.text)
            - 0.3 * sent.is_anaphoric(candidate.text))


def choose_tldr(pool: list[Candidate]) -> tuple[Candidate, str] | None:
    """The TL;DR sentence and its text (cut at a clause to 40 words), or None."""
    first = first_contribution(pool)
    ranked = sorted(pool, key=lambda c: (-tldr_score(c, first), c.index))
    for candidate in ranked:
        text = sent.shorten(candidate.text, TLDR_WORDS)
        if text is not None:
            return candidate, text
    return None


def _best_for(role: str, pool: list[Candidate], late_only: bool = False) -> Candidate | None:
    fitting = [c for c in pool if sent.role_fit(c.text)[role] > 0 and (c.late or not late_only)]
    return max(fitting, key=lambda c: (sent.role_fit(c.text)[role] + c.centrality, -c.index),
               default=None)


def _is_context(candidate: Candidate, first_contribution: int | None) -> bool:
    """Background, or a sentence before the first "we propose": the scene, not the news."""
    before = first_contribution is not None and candidate.index < first_contribution
    return sent.is_background(candidate.text) or (
        before and not sent.is_contribution(candidate.text)) or "?" in candidate.text


def choose_highlights(pool: list[Candidate], count: int) -> list[Candidate]:
    """The method, the key result and the scope (each the best sentence for its role), then the
    best of the rest; in abstract order."""
    chosen: list[Candidate] = []
    for role in ("method", "result", "scope"):
        best = _best_for(role, [c for c in pool if c not in chosen])
        if best is not None and len(chosen) < count:
            chosen.append(best)
    rest = sorted((c for c in pool if c not in chosen), key=lambda c: (-_highlight_score(c),
                                                                       c.index))
    return sorted(chosen + rest[:count - len(chosen)], key=lambda c: c.index)


def _extract(abstract: str) -> dict:
    pool = candidates(abstract)
    chosen = choose_tldr(pool)
    if chosen is None:
        return {}
    tldr, tldr_text = chosen
    first = first_contribution(pool)
    context = [c for c in pool if c is not tldr and _is_context(c, first)]
    news = [c for c in pool if c is not tldr and c not in context
            and sent.shorten(c.text, HIGHLIGHT_WORDS) is not None]
    highlights = choose_highlights(news, MAX_HIGHLIGHTS if len(pool) >= 10 else 3)
    fields = {"tldr": tldr_text,
              "highlights": [sent.shorten(c.text, HIGHLIGHT_WORDS) for c in highlights]}
    left = [c for c in pool if c is not tldr and c not in highlights and c not in context]
    for field, role, late in (("methodology", "method", False), ("results", "result", False),
                              ("implications", "outlook", True)):
        best = _best_for(role, left, late_only=late)
        fields[field] = best.text if best else ""
        left = [c for c in left if c is not best]
    scene = sorted(context + left, key=lambda c: c.index)
    fields["summary"] = " ".join(c.text for c in scene[:SUMMARY_SENTENCES])
    return fields


def summarize(
    title: str,
    abstract: str,
    categories: list[str] | None = None,
    taxonomy: Taxonomy | None = None,
) -> dict:
    """An extractive structured summary of a paper; deterministic.

    Returns exactly: tldr (one whole sentence of at most 40 words), highlights (up to 4 other
    sentences), summary, methodology, results, implications (each empty when no sentence is
    left that fits it), topics (0-3 names). No sentence appears in two fields. When the abstract
    gives no usable sentence, the tldr is the title and the other text fields are empty.
    """
    title, abstract = clean_text(title), clean_text(abstract)
    fields = _extract(abstract) or {"tldr": title, "highlights": []}
    fields = {"summary": "", "methodology": "", "results": "", "implications": "", **fields}
    fields["topics"] = tag(title, abstract, list(categories or []), taxonomy)
    return {name: fields[name] for name in ("tldr", "highlights", "summary", "methodology",
                                            "results", "implications", "topics")}
