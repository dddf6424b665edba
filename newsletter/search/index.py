"""Keeping `paper_search` current: one row per stored paper with the words of its title, its
authors, and its abstract with its English summary. Written whenever a paper's text or its
summary is (newsletter.ingest.papers, newsletter.summarize.summaries), and for every paper by
the migration that made the table; each database's own full-text index follows the rows
(SQLite through triggers on the table, PostgreSQL through a generated column)."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session

from newsletter.models import Paper, PaperSearch, Summary
from newsletter.search.words import indexed
from newsletter.summarize.summaries import paper_hash

SUMMARY_TEXT = ("tldr", "highlights", "summary", "methodology", "results", "implications")
CHUNK = 500  # papers written at once: well under every database's limit of bound parameters


def refresh(session: Session, papers: Iterable[Paper]) -> None:
    """Write the search rows of `papers` from their current text and their newest English
    summary (by whichever model: the words are what matter)."""
    unique = list({paper.id: paper for paper in papers}.values())
    if not unique:
        return
    session.flush()  # the papers' rows first: the search rows point at them
    for start in range(0, len(unique), CHUNK):
        chunk = unique[start:start + CHUNK]
        summaries = _newest_summaries(session, {paper_hash(paper) for paper in chunk})
        session.execute(delete(PaperSearch)
                        .where(PaperSearch.paper_id.in_([paper.id for paper in chunk])))
        session.execute(insert(PaperSearch),
                        [_row(paper, summaries.get(paper_hash(paper))) for paper in chunk])


def rebuild(session: Session) -> None:
    """Write the search row of every stored paper."""
    ids = list(session.scalars(select(Paper.id).order_by(Paper.id)))
    for start in range(0, len(ids), CHUNK):
        chunk = session.scalars(select(Paper).where(Paper.id.in_(ids[start:start + CHUNK])))
        refresh(session, chunk.all())
        session.expunge_all()  # a large archive need not stay in memory


def _newest_summaries(session: Session, hashes: set[str]) -> dict[str, dict]:
    """The fields of the newest English summary of each text hash."""
    query = (select(Summary.content_hash, Summary.fields)
             .where(Summary.content_hash.in_(hashes), Summary.language == "en")
             .order_by(Summary.created_at, Summary.id))
    return dict(session.execute(query).all())  # the newest comes last and wins


def _row(paper: Paper, fields: dict | None) -> dict:
    summary = []
    for name in SUMMARY_TEXT:
        value = (fields or {}).get(name) or ""
        summary += value if isinstance(value, list) else [value]
    return {"paper_id": paper.id, "title": indexed(paper.title),
            "authors": indexed(*paper.authors), "body": indexed(paper.abstract, *summary)}
