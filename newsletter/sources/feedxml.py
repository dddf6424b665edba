"""Shared by the feed parsers: bytes to a checked feedparser result, the fields every kind of
entry spells alike, and text clean-up."""

from __future__ import annotations

import calendar
import datetime as dt
import re
import time
import xml.sax
from html.parser import HTMLParser

import feedparser

from newsletter.sources.records import ParseError

_SPACES = re.compile(r"\s+")
_HTML_START = re.compile(rb"^\s*(?:<!doctype\s+html|<html)", re.IGNORECASE)
_HTML_TITLE = re.compile(rb"<title[^>]*>(.*?)</title>", re.IGNORECASE | re.DOTALL)
_ENCODING_PROBLEMS = (feedparser.CharacterEncodingOverride, feedparser.CharacterEncodingUnknown)


def load_feed(data: bytes) -> feedparser.FeedParserDict:
    """Parse RSS or Atom bytes with feedparser, refusing what is not a whole, well-encoded feed.

    Raises ParseError for an empty body, malformed or truncated XML, a body whose bytes do not
    match its declared encoding, and anything that is not a feed (an HTML error page, JSON).
    """
    if not isinstance(data, (bytes, bytearray)):
        # feedparser treats a str as a URL or a file name to open: never hand it one.
        raise TypeError(f"feed data must be bytes, not {type(data).__name__}")
    if not data.strip():
        raise ParseError("empty body where an RSS or Atom feed was expected")
    if _HTML_START.match(data):
        raise ParseError(f"an HTML page, not a feed: {_html_title(data)!r}")
    # Titles and abstracts are kept verbatim: escaping is the renderer's job, not the parser's.
    parsed = feedparser.parse(bytes(data), sanitize_html=False, resolve_relative_uris=False)
    problem = parsed.get("bozo_exception")
    if isinstance(problem, xml.sax.SAXException):
        raise ParseError(f"malformed or truncated XML: {problem}")
    if isinstance(problem, _ENCODING_PROBLEMS):
        raise ParseError(f"wrong or missing character encoding: {problem}")
    if not parsed.get("version"):
        raise ParseError("not an RSS or Atom feed")
    return parsed


def entry_authors(entry: dict) -> list[str]:
    """The names an entry's author elements give, in order, the nameless left out; as written
    (each kind of source tidies them its own way)."""
    return [author["name"] for author in entry.get("authors", []) if author.get("name")]


def entry_tags(entry: dict) -> list[str]:
    """The terms of an entry's categories (RSS <category>, Atom <category term>), in order."""
    return [tag["term"] for tag in entry.get("tags", []) if tag.get("term")]


def entry_published(entry: dict) -> dt.datetime | None:
    """When an entry was published (else last updated), an aware UTC datetime, or None."""
    return _utc_datetime(entry.get("published_parsed") or entry.get("updated_parsed"))


def clean(text: str | None) -> str:
    """Collapse runs of whitespace (arXiv wraps titles and abstracts) and trim."""
    return _SPACES.sub(" ", text or "").strip()


def html_to_text(html: str | None) -> str:
    """Plain text of an HTML fragment: tags dropped, entities decoded, scripts skipped."""
    extractor = _TextExtractor()
    extractor.feed(html or "")
    extractor.close()
    return clean("".join(extractor.parts))


def _utc_datetime(parsed: time.struct_time | None) -> dt.datetime | None:
    """An aware UTC datetime from feedparser's `*_parsed` value (already in UTC), or None."""
    if parsed is None:
        return None
    return dt.datetime.fromtimestamp(calendar.timegm(parsed), tz=dt.UTC)


def _html_title(data: bytes) -> str:
    match = _HTML_TITLE.search(data[:65536])
    return clean(match.group(1).decode("utf-8", "replace")) if match else "untitled"


class _TextExtractor(HTMLParser):
    _SKIPPED = {"script", "style"}
    # Block elements end a word even when the markup has no space between them.
    _BREAKS = {"p", "br", "div", "li", "ul", "ol", "h1", "h2", "h3", "h4", "tr", "blockquote"}
    # A heading ends with a colon when it has no punctuation of its own, so that it is not read
    # as the start of the sentence after it ("Why success rate is not enough Agents fail ...").
    _HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skipping = 0

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag in self._SKIPPED:
            self._skipping += 1
        elif tag in self._BREAKS:
            self.parts.append(" ")

    def handle_endtag(self, tag: str) -> None:
        if tag in self._SKIPPED:
            self._skipping = max(0, self._skipping - 1)
        elif tag in self._HEADINGS and "".join(self.parts).rstrip()[-1:].isalnum():
            self.parts.append(": ")
        elif tag in self._BREAKS:
            self.parts.append(" ")

    def handle_data(self, data: str) -> None:
        if not self._skipping:
            self.parts.append(data)
