"""Atom documents of paper cards, made with feedgen (the only module that imports it).

Each entry is one paper: its page on the site as link, the TL;DR as summary and the TL;DR with
the highlights as HTML content (escaped by the template, then once more as XML text by feedgen,
as Atom's type="html" wants), its authors and topics. Nothing in a feed is about a subscriber.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from feedgen.feed import FeedGenerator

from newsletter.web.pages import TEMPLATES

# XML 1.0 has no place for most control characters; a title carrying one must not break a feed
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_CONTENT = TEMPLATES.env.get_template("_feed_entry.html")


@dataclass
class Entry:
    """One paper of a feed: its card (newsletter.editions.cards, with an absolute page_url), the
    stable id the entry keeps for good, and when the paper entered an edition."""

    card: dict
    id: str
    entered: dt.datetime


@dataclass
class Feed:
    """A feed's own description: its title, its URL (also its id) and the page it mirrors."""

    title: str
    subtitle: str
    url: str
    page_url: str


def atom(feed: Feed, entries: list[Entry], updated: dt.datetime) -> bytes:
    """The Atom document of `entries`, in their order. `updated` is the feed's own date: the
    newest entry's, given by the caller, so the same papers always make the same bytes."""
    generator = FeedGenerator()
    generator.id(feed.url)
    generator.title(_xml_text(feed.title))
    generator.subtitle(_xml_text(feed.subtitle))
    generator.link(href=feed.url, rel="self", type="application/atom+xml")
    generator.link(href=feed.page_url, rel="alternate", type="text/html")
    generator.language("en")
    generator.updated(updated)
    for entry in entries:
        _add(generator, entry)
    return generator.atom_str(pretty=True)


def _add(generator: FeedGenerator, entry: Entry) -> None:
    card = entry.card
    item = generator.add_entry(order="append")
    item.id(entry.id)
    item.title(_xml_text(card["title"]))
    item.link(href=card["page_url"], rel="alternate", type="text/html")
    item.published(entry.entered)
    item.updated(entry.entered)
    for name in card["authors"]:
        item.author(name=_xml_text(name))
    for topic in card["topics"]:
        item.category(term=topic)
    item.summary(_xml_text(card["tldr"]))
    item.content(_xml_text(_CONTENT.render(paper=card).strip()), type="html")


def _xml_text(text: str) -> str:
    return _NOT_XML.sub("", text)
