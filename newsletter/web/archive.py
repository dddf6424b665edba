"""The web archive: every edition, each edition grouped by topic, and each topic's papers day by
day, as cards (the "view in browser" link of every digest leads here). Public pages: nothing on
them is about a subscriber."""

from __future__ import annotations

import datetime as dt
import re
from contextlib import suppress
from typing import Annotated

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import HTMLResponse
from sqlalchemy import select
from sqlalchemy.orm import Session

from newsletter.config import Settings
from newsletter.delivery.digest_email import anchor
from newsletter.editions import archive, cards
from newsletter.models import Edition, Paper
from newsletter.web import deps
from newsletter.web.pages import page

router = APIRouter()
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def paper_cards(session: Session, settings: Settings, papers: list[Paper]) -> list[dict]:
    """The papers as the pages show them (`_paper.html`), with their English summaries."""
    return cards.cards(session, papers, settings.llm_model)


@router.get("/editions", response_class=HTMLResponse)
def editions(request: Request):
    with deps.transaction(request) as session:
        listed = archive.edition_list(session)
    return page(request, "editions.html", editions=listed)


@router.get("/editions/{day}", response_class=HTMLResponse)
def edition(day: str, request: Request,
            page_number: Annotated[int, Query(alias="page", ge=1, le=archive.LAST_PAGE)] = 1):
    """One edition: its papers grouped by topic, best first, paged as topic pages are. A valid
    date without an edition is a page that says so and points to the nearest editions; a
    malformed date is a 404."""
    date = _date(day)
    services = deps.services(request)
    with deps.transaction(request) as session:
        found = session.scalar(select(Edition.id).where(Edition.date == date))
        listing = archive.edition_page(session, found, page_number) if found else None
        starts = {topic: start for topic, _, start in (listing.contents if listing else [])}
        sections = [
            {"topic": s.topic, "anchor": anchor(s.topic), "continued": starts[s.topic] < page_number,
             "papers": paper_cards(session, services.settings, s.papers)}
            for s in (listing.sections if listing else [])
        ]
        previous, following = archive.neighbours(session, date)
    contents = [{"topic": topic, "anchor": anchor(topic), "count": count, "page": start}
                for topic, count, start in (listing.contents if listing else [])]
    return page(request, "edition.html", date=date, published=found is not None,
                sections=sections, contents=contents, listing=listing,
                previous=previous, following=following)


@router.get("/topics/{slug}", response_class=HTMLResponse)
def topic(slug: str, request: Request,
          page_number: Annotated[int, Query(alias="page", ge=1, le=archive.LAST_PAGE)] = 1):
    """A topic's papers, newest edition first, each day's by its trending rank; paged."""
    services = deps.services(request)
    chosen = services.taxonomy.by_slug(slug)
    if chosen is None:
        raise HTTPException(404, "There is no such topic.")
    with deps.transaction(request) as session:
        found = archive.topic_page(session, chosen.name, page_number)
        days = [{"date": day.date, "papers": paper_cards(session, services.settings, day.papers)}
                for day in found.days]
    return page(request, "topic.html", topic=chosen, days=days, listing=found)


def _date(day: str) -> dt.date:
    """The date a /editions/YYYY-MM-DD address names; a 404 for anything else."""
    if _ISO_DATE.fullmatch(day):
        with suppress(ValueError):  # 2026-02-30
            return dt.date.fromisoformat(day)
    raise HTTPException(404, "There is no edition at this address.")
