"""What a paper's own page shows: its card, the whole structured summary, its abstract and
the editions that carried it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy.orm import Session

from newsletter.editions import archive
from newsletter.editions.cards import card
from newsletter.editions.paper_links import paper_for, public_id
from newsletter.summarize.summaries import summaries_of

# the structured summary's parts beyond the TL;DR and highlights, in reading order
SUMMARY_PARTS = (("summary", "Summary"), ("methodology", "Methodology"),
                 ("results", "Results"), ("implications", "Implications"))


@dataclass
class PaperPage:
    public_id: str
    card: dict
    parts: list[tuple[str, str]]  # (heading, text) of the summary's parts it has
    abstract: str
    published: dt.date | None
    categories: list[str]
    doi: str | None
    journal_ref: str | None
    editions: list[dt.date]  # newest first


def paper_page(session: Session, wanted: str, model: str, language: str = "en") -> PaperPage | None:
    """The page of the paper `wanted` names (`paper_links.paper_for`), its summary by `model` in
    `language` (else English); None for an id that names no paper."""
    paper = paper_for(session, wanted)
    if paper is None:
        return None
    summary = summaries_of(session, [paper], model, language).get(paper.id)
    fields = summary.fields if summary else {}
    return PaperPage(
        public_id=public_id(paper),
        card=card(paper, summary),
        parts=[(heading, fields[key]) for key, heading in SUMMARY_PARTS if fields.get(key)],
        abstract=paper.abstract,
        published=paper.published_at.date() if paper.published_at else None,
        categories=list(paper.categories),
        doi=paper.doi,
        journal_ref=paper.journal_ref,
        editions=archive.appearances(session, paper),
    )
