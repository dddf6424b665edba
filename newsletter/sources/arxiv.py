"""arXiv daily listings as served by rss.arxiv.org, in RSS 2.0 or Atom: one record per item.

An item looks like this (RSS; the Atom form carries the same fields as entry elements):
    <title>...</title>  <link>https://arxiv.org/abs/2411.01234</link>
    <description>arXiv:2411.01234v1 Announce Type: new
    Abstract: ...</description>
    <guid>oai:arXiv.org:2411.01234v1</guid>  <category>cs.LG</category>...
    <arxiv:announce_type>new</arxiv:announce_type>  <arxiv:DOI>..</arxiv:DOI>
    <arxiv:journal_reference>..</arxiv:journal_reference>  <dc:creator>A, B and C</dc:creator>
A listing with no item (weekends, holidays) is valid and gives [].
"""

from __future__ import annotations

import re

from newsletter.sources.feedxml import clean, entry_authors, entry_published, entry_tags, load_feed
from newsletter.sources.ids import arxiv_links, id_in_link, is_arxiv_id, split_version
from newsletter.sources.records import PaperRecord, ParseError
from newsletter.text import tex_to_text

_PREFIX = re.compile(
    r"^\s*arXiv:(?P<vid>\S+)\s+Announce Type:\s*(?P<type>[\w-]+)\s*(?:Abstract:)?", re.IGNORECASE
)
_AUTHOR_SEPARATORS = re.compile(r"\s*,\s*(?:and\s+)?|\s+and\s+")
# Name suffixes that a comma split would otherwise turn into authors of their own.
_SUFFIXES = {"jr", "jr.", "sr", "sr.", "ii", "iii", "iv"}


def parse(data: bytes) -> list[PaperRecord]:
    """Records of an rss.arxiv.org listing, in listing order.

    Raises ParseError when the bytes are not a feed or an item names no arXiv id.
    """
    return [_record(entry) for entry in load_feed(data).entries]


def split_authors(text: str) -> list[str]:
    """Split arXiv's author line ("A, B and C", "A, B, and C", "A, B, C") into names, with
    their TeX accents decoded (arXiv keeps names as submitted: `S{\\o}ren`)."""
    names: list[str] = []
    for name in _AUTHOR_SEPARATORS.split(clean(text)):
        if names and name.lower() in _SUFFIXES:
            names[-1] = f"{names[-1]}, {name}"
        elif name:
            names.append(name)
    return [tex_to_text(name) for name in names]


def _record(entry: dict) -> PaperRecord:
    description = entry.get("summary", "")
    prefix = _PREFIX.match(description)
    arxiv_id, version = _identify(entry, prefix)
    announce_type = entry.get("arxiv_announce_type") or (prefix.group("type") if prefix else None)
    return PaperRecord(
        external_id=arxiv_id,
        title=clean(entry.get("title")),
        abstract=clean(description[prefix.end() :] if prefix else description),
        arxiv_id=arxiv_id,
        version=version,
        # one author element may name several people: "A, B and C"
        authors=[name for line in entry_authors(entry) for name in split_authors(line)],
        categories=entry_tags(entry),
        links=arxiv_links(arxiv_id),
        published=entry_published(entry),
        doi=clean(entry.get("arxiv_doi")) or None,
        journal_ref=clean(entry.get("arxiv_journal_reference")) or None,
        announce_type=announce_type.strip().lower() if announce_type else None,
    )


def _identify(entry: dict, prefix: re.Match[str] | None) -> tuple[str, int | None]:
    """An item's (id, version): the guid and description carry the version, the link not."""
    guid = entry.get("id", "")
    for candidate in (guid.removeprefix("oai:arXiv.org:"), prefix.group("vid") if prefix else ""):
        if is_arxiv_id(candidate):
            return split_version(candidate)
    for url in (guid, entry.get("link", "")):
        if found := id_in_link(url):
            return found
    raise ParseError(f"listing item {clean(entry.get('title'))!r} names no arXiv id")
