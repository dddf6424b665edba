"""A subscriber's follows and mutes, and the pure rules that match them against a paper.

Authors match by surname and given name, tolerant of initials and accents ("Y. LeCun" is
"Yann LeCun", "Herve Jegou" is "Hervé Jégou"); organizations and keywords match as whole words,
ignoring case and accents. Muting wins over following: a muted paper is never shown.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import NamedTuple

from newsletter.personal.view import PaperView
from newsletter.text.words import contains_phrase, fold


@dataclass(frozen=True)
class Interests:
    """What a subscriber follows (authors, organizations, keywords) and mutes (keywords)."""

    authors: tuple[str, ...] = ()
    organizations: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()
    muted_keywords: tuple[str, ...] = ()

    @classmethod
    def from_dict(cls, data: dict | None) -> Interests:
        """From the JSON stored with a subscriber; blanks and repeats are dropped, unknown keys
        ignored, so a hand-edited or older value still loads."""
        data = data or {}
        return cls(**{name: _clean(data.get(name) or ()) for name in cls.__dataclass_fields__})

    def to_dict(self) -> dict[str, list[str]]:
        """JSON-ready, the inverse of from_dict."""
        return {name: list(values) for name, values in asdict(self).items()}


def _clean(values) -> tuple[str, ...]:
    seen, kept = set(), []
    for value in values:
        value = " ".join(str(value).split())
        if value and fold(value) not in seen:
            seen.add(fold(value))
            kept.append(value)
    return tuple(kept)


def followed_reason(paper: PaperView, interests: Interests) -> str | None:
    """Why a followed paper is in the digest ("You follow Yann LeCun", "You follow Meta AI",
    "Mentions 'diffusion'"), or None when it matches no follow. Authors first, then
    organizations, then keywords; the follow is quoted as the subscriber typed it."""
    for followed in interests.authors:
        if any(same_person(followed, author) for author in paper.authors):
            return f"You follow {followed}"
    for followed in interests.organizations:
        if paper.organization and contains_phrase(paper.organization, followed):
            return f"You follow {followed}"
    for keyword in interests.keywords:
        if contains_phrase(paper.text, keyword):
            return f"Mentions '{keyword}'"
    return None


def is_muted(paper: PaperView, interests: Interests) -> bool:
    """Whether the title or abstract mentions a muted keyword (whole words, any case)."""
    return any(contains_phrase(paper.text, keyword) for keyword in interests.muted_keywords)


class _Name(NamedTuple):
    surname: str
    initial: str
    given: str | None  # None when only an initial was given ("Y.", "J.-B.")


def _parse_name(name: str) -> _Name | None:
    """Surname, first initial and first given name of "Yann LeCun", "Y. LeCun" or "LeCun, Yann"."""
    folded = fold(name)
    if "," in folded:
        surname, _, given = folded.partition(",")
        folded = f"{given} {surname}"
    tokens = folded.split()
    if not tokens:
        return None
    surname = tokens[-1].strip(".")
    first = tokens[0] if len(tokens) > 1 else ""
    letters = "".join(ch for ch in first if ch.isalnum())
    if not letters:
        return _Name(surname, "", None)
    is_initial = "." in first or len(letters) == 1
    return _Name(surname, letters[0], None if is_initial else letters)


def same_person(followed: str, author: str) -> bool:
    """Whether two spellings name the same author: equal surnames, and first given names that
    agree (an initial agrees with any name starting with it; a missing one agrees with all)."""
    a, b = _parse_name(followed), _parse_name(author)
    if a is None or b is None or a.surname != b.surname:
        return False
    if not a.initial or not b.initial:
        return True
    if a.initial != b.initial:
        return False
    return a.given is None or b.given is None or a.given == b.given
