"""The words of a text as search compares them, on the papers' side and on the query's alike.

Both databases are handed text already cut into words (lowercase, accents dropped, split at
everything that is not a letter or a digit), so that SQLite's FTS5 tokenizer and PostgreSQL's
'simple' parser have nothing left to decide: "Transformer-XL" and "transformer xl" are the same
two words on both, and so a query finds the same papers on both.
"""

from __future__ import annotations

import re

from newsletter.text.words import fold

_WORD = re.compile(r"[^\W_]+")
LONGEST_WORD = 64  # longer "words" are hashes and base64 in abstracts: nobody searches for them


def words(text: str) -> list[str]:
    """The words of `text`, in order."""
    return [word for word in _WORD.findall(fold(text or "")) if len(word) <= LONGEST_WORD]


def indexed(*texts: str) -> str:
    """The words of `texts`, one space apart: a column of `paper_search`."""
    return " ".join(word for text in texts for word in words(text))
