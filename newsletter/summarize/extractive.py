"""The built-in offline summarizer: an extractive, deterministic stand-in for an LLM.

It never invents text: every field is a sentence (or a trimmed sentence) of the abstract, or the
title when the abstract is empty. The method:

1. Clean: LaTeX is stripped lightly (`\\emph{x}` -> x, `$x^2$` -> x^2, other `\\commands` lose the
   backslash) and whitespace is collapsed.
2. Split into sentences at ., ! or ? followed by a space and a capital, digit or bracket, except
   after abbreviations ("e.g.", "i.e.", "et al.", "Fig.", "Eq.", "vs." ...); decimals such as 3.5
   never split because no space follows the point.
3. Score each sentence by the cosine between its TF-IDF vector and the abstract's centroid (IDF
   over the abstract's own sentences, stop words removed), plus a position prior favouring the
   first and last sentences and a bonus for contribution cues ("we propose", "we show",
   "outperforms", "achieves", "state-of-the-art" ...).
4. Choose: tldr = the best sentence, trimmed to 40 words at a word boundary with an ellipsis;
   highlights = the 3 or 4 best sentences in abstract order; summary = the best up to 3 in
   abstract order; methodology, results and implications = the best sentence for method cues,
   result cues (numbers, "outperform", "improve"...) and outlook cues (late position, "enable",
   "suggest", "future"...), each preferring a sentence not already used by the others and
   falling back to the best sentence so no field is empty when the abstract has text.
5. topics = `newsletter.summarize.topics.tag` over the title, abstract and categories.
"""

from __future__ import annotations

import math
import re
from collections import Counter

from newsletter.summarize.topics import Taxonomy, tag

TLDR_WORDS = 40
HIGHLIGHT_WORDS = 40
_ABBREVIATIONS = {
    "e.g",
    "i.e",
    "al",
    "fig",
    "figs",
    "eq",
    "eqs",
    "vs",
    "cf",
    "etc",
    "sec",
    "tab",
    "approx",
    "resp",
    "no",
    "dr",
    "mr",
    "ms",
    "prof",
    "st",
    "w.r.t",
    "a.k.a",
    "viz",
    "ca",
    "ref",
    "refs",
}
_BOUNDARY = re.compile(r"[.!?][\"')\]]*\s+(?=[A-Z0-9\"'(\[])")
_WORD = re.compile(r"[a-z][a-z0-9\-]*")
_STOP_WORDS = frozenset(
    (
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "been",
        "but",
        "by",
        "can",
        "for",
        "from",
        "has",
        "have",
        "in",
        "into",
        "is",
        "it",
        "its",
        "of",
        "on",
        "or",
        "our",
        "that",
        "the",
        "their",
        "then",
        "there",
        "these",
        "this",
        "those",
        "to",
        "was",
        "we",
        "were",
        "which",
        "while",
        "with",
        "without",
    )
)
_GENERAL_CUES = (
    "we propose",
    "we present",
    "we introduce",
    "we show",
    "outperform",
    "achieve",
    "state-of-the-art",
    "state of the art",
    "novel",
)
_METHOD_CUES = (
    "we propose",
    "we present",
    "we introduce",
    "we develop",
    "we design",
    "our method",
    "our approach",
    "our model",
    "framework",
    "architecture",
    "algorithm",
    "based on",
    "we use",
    "we train",
    "consists of",
    "by ",
)
# "results" itself is left out: "our best results are obtained by ..." describes a method.
_RESULT_CUES = (
    "outperform",
    "achieve",
    "improve",
    "state-of-the-art",
    "state of the art",
    "accuracy",
    "we obtain",
    "we show",
    "we find",
    "surpass",
    "reduce",
)
_OUTLOOK_CUES = (
    "enable",
    "suggest",
    "future",
    "implication",
    "potential",
    "promising",
    "we believe",
    "opens",
    "pave",
    "could",
    "may ",
    "we hope",
    "broader",
)


def clean(text: str) -> str:
    """Light LaTeX removal and whitespace collapsing."""
    text = re.sub(
        r"\\(?:emph|textbf|textit|texttt|text|mathrm|mathbf|mathcal|url)\{([^{}]*)\}", r"\1", text
    )
    text = re.sub(r"(?<!\\)\$+", "", text)
    text = re.sub(r"\\([%&_#$])", r"\1", text)
    text = re.sub(r"\\([a-zA-Z]+)", r"\1", text)
    text = text.replace("~", " ")
    return re.sub(r"\s+", " ", text).strip()


def split_sentences(text: str) -> list[str]:
    """The sentences of a cleaned text, robust to common abbreviations and decimals."""
    sentences, start = [], 0
    for match in _BOUNDARY.finditer(text):
        before = text[start : match.start()].rsplit(" ", 1)[-1].lower().lstrip("(")
        if text[match.start()] == "." and before in _ABBREVIATIONS:
            continue
        sentences.append(text[start : match.start() + 1].strip())
        start = match.end()
    sentences.append(text[start:].strip())
    return [s for s in sentences if s]


def _tokens(sentence: str) -> list[str]:
    return [w for w in _WORD.findall(sentence.lower()) if w not in _STOP_WORDS]


def centrality(sentences: list[str]) -> list[float]:
    """Cosine of each sentence's TF-IDF vector with the centroid of all of them."""
    bags = [Counter(_tokens(s)) for s in sentences]
    document_frequency = Counter(word for bag in bags for word in bag)
    n = len(sentences)
    idf = {w: math.log((1 + n) / (1 + df)) + 1 for w, df in document_frequency.items()}
    vectors = [{w: tf * idf[w] for w, tf in bag.items()} for bag in bags]
    centroid = Counter()
    for vector in vectors:
        centroid.update(vector)
    return [_cosine(vector, centroid) for vector in vectors]


def _cosine(a: dict[str, float], b: dict[str, float]) -> float:
    dot = sum(weight * b.get(word, 0.0) for word, weight in a.items())
    norms = math.sqrt(sum(v * v for v in a.values())) * math.sqrt(sum(v * v for v in b.values()))
    return dot / norms if norms else 0.0


def _cue_bonus(sentence: str, cues: tuple[str, ...]) -> float:
    lowered = sentence.lower()
    return 0.15 * sum(cue in lowered for cue in cues)


def _position_prior(index: int, count: int) -> float:
    if index == 0:
        return 0.2
    return 0.1 if index == count - 1 else 0.0


def trim_words(text: str, limit: int) -> str:
    """`text` cut to `limit` words at a word boundary, with an ellipsis when it was cut."""
    words = text.split()
    if len(words) <= limit:
        return text
    return " ".join(words[:limit]).rstrip(",;:") + "…"


def _best(scores: list[float], taken: set[int]) -> int:
    """The index of the highest score, preferring one not taken; earliest on ties."""
    order = sorted(range(len(scores)), key=lambda i: (-scores[i], i))
    return next((i for i in order if i not in taken), order[0])


def _role_scores(sentences: list[str], base: list[float]) -> dict[str, list[float]]:
    count = len(sentences)
    has_number = [0.3 if re.search(r"\d", s) else 0.0 for s in sentences]
    return {
        "methodology": [b + _cue_bonus(s, _METHOD_CUES) for s, b in zip(sentences, base)],
        "results": [
            b + _cue_bonus(s, _RESULT_CUES) + num for s, b, num in zip(sentences, base, has_number)
        ],
        "implications": [
            b + _cue_bonus(s, _OUTLOOK_CUES) + 0.3 * i / max(count - 1, 1)
            for i, (s, b) in enumerate(zip(sentences, base))
        ],
    }


def _extract(sentences: list[str]) -> dict:
    count = len(sentences)
    base = [c + _position_prior(i, count) for i, c in enumerate(centrality(sentences))]
    overall = [b + _cue_bonus(s, _GENERAL_CUES) for s, b in zip(sentences, base)]
    ranked = sorted(range(count), key=lambda i: (-overall[i], i))
    n_highlights = 4 if count >= 6 else min(3, count)
    fields = {
        "tldr": trim_words(sentences[ranked[0]], TLDR_WORDS),
        "highlights": [
            trim_words(sentences[i], HIGHLIGHT_WORDS) for i in sorted(ranked[:n_highlights])
        ],
        "summary": " ".join(sentences[i] for i in sorted(ranked[:3])),
    }
    taken: set[int] = set()
    for role, scores in _role_scores(sentences, base).items():
        chosen = _best(scores, taken)
        taken.add(chosen)
        fields[role] = sentences[chosen]
    return fields


def summarize(
    title: str,
    abstract: str,
    categories: list[str] | None = None,
    taxonomy: Taxonomy | None = None,
) -> dict:
    """An extractive structured summary of a paper; deterministic, never empty fields.

    Returns exactly: tldr (<= 40 words), highlights (3-4 strings, fewer only when the abstract
    has fewer sentences), summary, methodology, results, implications, topics (0-3 names). With
    an empty abstract the tldr and summary are the title and the other text fields are empty.
    """
    title, abstract = clean(title), clean(abstract)
    sentences = split_sentences(abstract)
    if sentences:
        fields = _extract(sentences)
    else:
        fields = {
            "tldr": trim_words(title, TLDR_WORDS),
            "highlights": [],
            "summary": title,
            "methodology": "",
            "results": "",
            "implications": "",
        }
    fields["topics"] = tag(title, abstract, list(categories or []), taxonomy)
    return fields
