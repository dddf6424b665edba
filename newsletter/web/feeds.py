"""The Atom feeds: /feed.atom (the latest papers of every topic) and /topics/{slug}/feed.atom,
each the newest editions' papers, newest edition first and each edition's in its trending order,
answered with a 304 to a reader that already has them. Whether a reader has them is decided from
when the archive last changed (`archive.last_change`, a few index look-ups), before the feed is
built: a reader polling every few minutes costs no cards and no XML. Public: nothing in them is
about a subscriber."""

from __future__ import annotations

import datetime as dt

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from newsletter.config import Settings
from newsletter.editions import archive, cards
from newsletter.editions.paper_links import path_of
from newsletter.models import Edition
from newsletter.web import deps
from newsletter.web.atom import Entry, Feed, atom
from newsletter.web.conditional import Validators, conditional_response

router = APIRouter()
FEED_SIZE = 50  # papers per feed: a few days of a busy topic, a day of every topic
ATOM = "application/atom+xml"
NEVER = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)  # the date of a feed no edition has filled yet


@router.get("/feed.atom")
def every_topic(request: Request) -> Response:
    site = deps.services(request).settings
    feed = Feed(title=site.site_name, subtitle="The latest trending papers of every topic.",
                url=f"{site.base_url}/feed.atom", page_url=f"{site.base_url}/editions")
    return _feed_response(request, feed, topic=None)


@router.get("/topics/{slug}/feed.atom")
def one_topic(slug: str, request: Request) -> Response:
    services = deps.services(request)
    chosen = services.taxonomy.by_slug(slug)
    if chosen is None:
        raise HTTPException(404, "There is no such topic.")
    base = services.settings.base_url
    feed = Feed(title=f"{services.settings.site_name}: {chosen.name}",
                subtitle=chosen.description or f"The latest trending {chosen.name} papers.",
                url=f"{base}/topics/{chosen.slug}/feed.atom", page_url=f"{base}/topics/{chosen.slug}")
    return _feed_response(request, feed, topic=chosen.name)


def _feed_response(request: Request, feed: Feed, topic: str | None) -> Response:
    settings = deps.services(request).settings
    with deps.transaction(request) as session:
        changed = archive.last_change(session)
        # the same feed, topic and model show the same bytes until the archive changes
        version = (feed.url, topic, settings.llm_model, changed and changed.isoformat())
        validators = Validators.of(version, changed.replace(tzinfo=dt.UTC) if changed else NEVER)
        return conditional_response(request, validators, ATOM,
                                    lambda: document(session, settings, feed, topic))


def document(session: Session, settings: Settings, feed: Feed, topic: str | None) -> bytes:
    """The Atom document of the feed of `topic` (None: of every topic)."""
    entries = latest_entries(session, settings, topic)
    # the newest entry is the feed's date: older editions never change
    return atom(feed, entries, entries[0].entered if entries else NEVER)


def latest_entries(session: Session, settings: Settings, topic: str | None) -> list[Entry]:
    """The feed entries of the FEED_SIZE latest papers of `topic` (None: of every topic). An
    entry's id is the page URL of the paper's row id, which never changes (its public id may,
    when an arXiv record is merged into a blog's paper) and still leads to the paper."""
    days = archive.topic_page(session, topic, 1, FEED_SIZE).days
    built = dict(session.execute(select(Edition.date, Edition.created_at)
                                 .where(Edition.date.in_([day.date for day in days]))).all())
    dated = [(day.date, paper) for day in days for paper in day.papers]
    shown = cards.cards(session, [paper for _, paper in dated], settings.llm_model,
                        settings.base_url)
    return [Entry(card=card, id=f"{settings.base_url}{path_of(paper.id)}",
                  entered=built[date].replace(tzinfo=dt.UTC))
            for (date, paper), card in zip(dated, shown, strict=True)]
