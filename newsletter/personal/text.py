"""Text normalization shared by matching and the ranking model: case and accent folding, words.

Folding makes "Hervé" equal "Herve" and "LeCun" equal "lecun", so a follow typed without accents
or capitals still matches what a feed printed.
"""

from __future__ import annotations

import functools
import re
import unicodedata

_WORD = re.compile(r"[a-z0-9]+")
# words too common in abstracts to say anything about a reader's taste
STOPWORDS = frozenset(
    ["a", "an", "and", "are", "as", "at", "be", "been", "but", "by", "can", "do", "does", "for", "from", "has", "have", "how", "in", "into", "is", "it", "its", "more", "not", "of", "on", "or", "our", "over", "such", "than", "that", "the", "their", "them", "these", "they", "this", "those", "through", "to", "under", "up", "using", "via", "was", "we", "were", "what", "when", "where", "which", "while", "who", "will", "with", "within", "without"]
)


@functools.lru_cache(maxsize=4096)  # a day's texts are matched against every reader's follows
def fold(text: str) -> str:
    """Lower case, accents removed ("Hervé Jégou" -> "herve jegou"), spaces collapsed."""
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(stripped.casefold().split())


def words(text: str) -> list[str]:
    """The folded words of a text, in order, stopwords and one-letter words left out."""
    return [w for w in _WORD.findall(fold(text)) if len(w) > 1 and w not in STOPWORDS]


def contains_phrase(text: str, phrase: str) -> bool:
    """Whether `phrase` occurs in `text` as whole words, ignoring case and accents:
    "diffusion" is in "Diffusion models" but not in "diffusions" or "transdiffusion"."""
    folded_phrase = fold(phrase)
    if not folded_phrase:
        return False
    pattern = r"(?<!\w)" + re.escape(folded_phrase) + r"(?!\w)"
    return re.search(pattern, fold(text)) is not None
