"""Any RSS or Atom feed (a lab's publications, a blog): one record per item.

An item whose link names an arXiv paper (arxiv.org/abs/ID, arxiv.org/pdf/IDvN), or whose text
names exactly one (a post citing several papers is about none of them), gets that `arxiv_id`, so
it merges with the paper from other sources. Other items are identified by their guid, else by
their normalized link; an item with neither cannot be tracked and is skipped.
"""

from __future__ import annotations

from html import escape
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from newsletter.sources.feedxml import (
    clean,
    entry_authors,
    entry_published,
    entry_tags,
    html_to_text,
    load_feed,
)
from newsletter.sources.ids import arxiv_links, id_in_link, ids_in_text
from newsletter.sources.records import PaperRecord

_DEFAULT_PORTS = {"http": "80", "https": "443"}
_HTML_TYPES = {"text/html", "application/xhtml+xml"}


def parse(data: bytes) -> list[PaperRecord]:
    """Records of a feed's items, in feed order. Raises ParseError when the bytes are not a feed."""
    records = (_record(entry) for entry in load_feed(data).entries)
    return [record for record in records if record is not None]


def normalize_url(url: str) -> str:
    """A stable form of a link: lower-case scheme and host, no default port, fragment or utm_*."""
    scheme, netloc, path, query, _ = urlsplit(url.strip())
    scheme, netloc = scheme.lower(), netloc.lower()
    host, _, port = netloc.rpartition(":")
    if host and _DEFAULT_PORTS.get(scheme) == port:
        netloc = host
    kept = [(k, v) for k, v in parse_qsl(query, keep_blank_values=True) if not k.startswith("utm_")]
    return urlunsplit((scheme, netloc, path or "/", urlencode(kept), ""))


def _record(entry: dict) -> PaperRecord | None:
    link = _item_link(entry)
    summary_html = _summary_html(entry)
    arxiv_id, version = _arxiv_id(entry, summary_html)
    external_id = arxiv_id or clean(entry.get("id")) or link
    if not external_id:
        return None
    links = arxiv_links(arxiv_id) if arxiv_id else {}
    if link:
        links["html"] = link
    return PaperRecord(
        external_id=external_id,
        title=_title(entry),
        abstract=html_to_text(summary_html),
        arxiv_id=arxiv_id,
        version=version,
        authors=[clean(name) for name in entry_authors(entry)],
        categories=entry_tags(entry),
        links=links,
        published=entry_published(entry),
    )


def _item_link(entry: dict) -> str:
    """The item's web page, normalized: its first http(s) alternate link, else its main link.

    (feedparser falls back to the guid for `link`, which may be a tag: URI, not a page.)
    """
    alternates = [
        item.get("href", "")
        for item in entry.get("links", [])
        if item.get("rel", "alternate") == "alternate"
    ]
    for url in alternates + [entry.get("link", "")]:
        if urlsplit(url).scheme in ("http", "https"):
            return normalize_url(url)
    return ""


def _arxiv_id(entry: dict, summary_html: str) -> tuple[str | None, int | None]:
    """The paper an item is about: named by one of its links, else the only one its text names."""
    for url in [entry.get("link", "")] + [item.get("href", "") for item in entry.get("links", [])]:
        if found := id_in_link(url):
            return found
    named = ids_in_text(f"{entry.get('title', '')} {summary_html}")
    return named[0] if len(named) == 1 else (None, None)


def _summary_html(entry: dict) -> str:
    """An item's description as HTML: its summary, else its full content (long, but there)."""
    for detail in [entry.get("summary_detail")] + entry.get("content", []):
        if detail and detail.get("value"):
            # Plain text goes through the same HTML-to-text step, so its "<" must survive it.
            value = detail["value"]
            return value if detail.get("type") in _HTML_TYPES else escape(value, quote=False)
    return ""


def _title(entry: dict) -> str:
    """The item's own title. feedparser lets a nested <title> (Google's blogs put the author's
    job title in <author><title>) overwrite `title_detail`, not `title`: the detail's type is
    believed only when it describes that same text."""
    value, detail = entry.get("title", ""), entry.get("title_detail") or {}
    if detail.get("value") == value and detail.get("type") in _HTML_TYPES:
        return html_to_text(value)
    return clean(value)
