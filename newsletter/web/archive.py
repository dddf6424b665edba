"""The web archive: every edition, each edition grouped by topic, and each topic's recent papers,
with their summaries (the "view in browser" link of every digest leads here)."""

from __future__ import annotations

import datetime as dt

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse
from sqlalchemy.orm import Session

from newsletter.config import Settings
from newsletter.delivery.digest_email import anchor, paper_context
from newsletter.editions import archive
from newsletter.editions.build import edition_on
from newsletter.models import Paper
from newsletter.summarize.summaries import cached_summary, paper_hash
from newsletter.web import deps
from newsletter.web.pages import page

router = APIRouter()


def paper_cards(session: Session, settings: Settings, papers: list[Paper]) -> list[dict]:
    """The papers as the pages show them, with their English summaries."""
    return [paper_context(paper, cached_summary(session, paper_hash(paper), settings.llm_model,
                                                "en"))
            for paper in papers]


@router.get("/editions", response_class=HTMLResponse)
def editions(request: Request):
    with deps.transaction(request) as session:
        listed = archive.edition_list(session)
    return page(request, "editions.html", editions=listed)


@router.get("/editions/{day}", response_class=HTMLResponse)
def edition(day: dt.date, request: Request):
    """One edition: its papers grouped by topic, best first."""
    services = deps.services(request)
    with deps.transaction(request) as session:
        found = edition_on(session, day)
        if found is None:
            raise HTTPException(404, "No edition was published on that day.")
        sections = [
            {"topic": s.topic, "anchor": anchor(s.topic), "slug": _slug(request, s.topic),
             "papers": paper_cards(session, services.settings, s.papers)}
            for s in archive.edition_sections(found)
        ]
    return page(request, "edition.html", date=day, sections=sections,
                paper_count=sum(len(s["papers"]) for s in sections))


@router.get("/topics/{slug}", response_class=HTMLResponse)
def topic(slug: str, request: Request):
    """The most recent papers of one topic."""
    services = deps.services(request)
    chosen = services.taxonomy.by_slug(slug)
    if chosen is None:
        raise HTTPException(404, "There is no such topic.")
    with deps.transaction(request) as session:
        cards = paper_cards(session, services.settings, archive.topic_papers(session, chosen.name))
    return page(request, "topic.html", topic=chosen, papers=cards)


def _slug(request: Request, topic_name: str) -> str | None:
    found = deps.services(request).taxonomy.by_name(topic_name)
    return found.slug if found else None
