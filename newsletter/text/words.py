"""The one normalization of text for matching and weighing words: case and accent folding, and
the words of a text, shared by the personal ranking and the offline summarizer.

Folding makes "Hervé" equal "Herve" and "LeCun" equal "lecun", so a follow typed without accents
or capitals still matches what a feed printed, and the summarizer counts "Model" and "model" as
one word.
"""

from __future__ import annotations

import functools
import re
import unicodedata

from newsletter.text.word_lists import word_list

_WORD = re.compile(r"[a-z0-9]+")
_ANY_WORD = re.compile(r"\w+")
# words too common in abstracts to say anything about a paper (newsletter/data/stopwords.txt)
STOPWORDS = word_list("stopwords")


@functools.lru_cache(maxsize=4096)  # a day's texts are matched against every reader's follows
def fold(text: str) -> str:
    """Lower case, accents removed ("Hervé Jégou" -> "herve jegou"), spaces collapsed."""
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(stripped.casefold().split())


def words(text: str) -> list[str]:
    """The folded words of a text, in order, stopwords and one-letter words left out: what
    TF-IDF weighs."""
    return [w for w in _WORD.findall(fold(text)) if len(w) > 1 and w not in STOPWORDS]


def sentence_key(sentence: str) -> str:
    """A sentence as compared for repeats: its folded words, so case, accents, spacing and
    punctuation are ignored."""
    return " ".join(_ANY_WORD.findall(fold(sentence)))


def contains_phrase(text: str, phrase: str) -> bool:
    """Whether `phrase` occurs in `text` as whole words, ignoring case and accents:
    "diffusion" is in "Diffusion models" but not in "diffusions" or "transdiffusion"."""
    folded_phrase = fold(phrase)
    if not folded_phrase:
        return False
    pattern = r"(?<!\w)" + re.escape(folded_phrase) + r"(?!\w)"
    return re.search(pattern, fold(text)) is not None
