"""arXiv identifiers: find them in links and text, split off the version, build canonical links."""

from __future__ import annotations

import re

# New-style ids (0704.0001 onwards: YYMM.NNNN, YYMM.NNNNN since 2015) and old-style ids
# (archive[.SUBJECT]/YYMMNNN, before April 2007).
_BARE_ID = r"(?:\d{4}\.\d{4,5}|[a-z][a-z-]*(?:\.[A-Z]{2})?/\d{7})"
_VERSION = r"(?:v(?P<version>\d+))?(?!\d)"  # the lookahead refuses "2411.012345"
_VERSIONED = re.compile(rf"^(?P<id>{_BARE_ID}){_VERSION}$")
_IN_LINK = re.compile(rf"arxiv\.org/(?:abs|pdf|html)/(?P<id>{_BARE_ID}){_VERSION}", re.IGNORECASE)
_IN_TEXT = re.compile(rf"\barXiv:\s?(?P<id>{_BARE_ID}){_VERSION}", re.IGNORECASE)


def split_version(versioned: str) -> tuple[str, int | None]:
    """Split "2411.01234v2" into ("2411.01234", 2); an id without version gives None.

    Raises ValueError when the text is not an arXiv id.
    """
    match = _VERSIONED.match(versioned.strip())
    if not match:
        raise ValueError(f"not an arXiv id: {versioned!r}")
    version = match.group("version")
    return match.group("id"), int(version) if version else None


def is_arxiv_id(text: str) -> bool:
    """True when `text` is a (possibly versioned) arXiv id."""
    return _VERSIONED.match(text.strip()) is not None


def id_in_link(url: str) -> tuple[str, int | None] | None:
    """The (id, version) named by an arxiv.org abs/pdf/html link, or None."""
    match = _IN_LINK.search(url or "")
    return _pair(match) if match else None


def ids_in_text(text: str) -> list[tuple[str, int | None]]:
    """Every distinct (id, version) in text: arxiv.org links first, then "arXiv:ID" mentions."""
    found: dict[str, int | None] = {}
    for pattern in (_IN_LINK, _IN_TEXT):
        for match in pattern.finditer(text or ""):
            arxiv_id, version = _pair(match)
            found[arxiv_id] = found.get(arxiv_id) or version
    return list(found.items())


def arxiv_links(arxiv_id: str) -> dict[str, str]:
    """A paper's versionless links: its abstract page and its (latest) PDF."""
    return {"abstract": f"https://arxiv.org/abs/{arxiv_id}",
            "pdf": f"https://arxiv.org/pdf/{arxiv_id}"}


def _pair(match: re.Match[str]) -> tuple[str, int | None]:
    version = match.group("version")
    return match.group("id"), int(version) if version else None
