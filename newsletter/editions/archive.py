"""The web archive's queries: every edition, one edition by topic, the recent papers of a topic."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from newsletter.editions.sections import Section, group_by_topic
from newsletter.models import Edition, EditionPaper, Paper, PaperTopic

TOPIC_PAGE_SIZE = 30


def edition_list(session: Session, limit: int = 365) -> list[tuple[dt.date, int]]:
    """(date, number of papers) of the latest editions, newest first."""
    query = (select(Edition.date, func.count(EditionPaper.paper_id))
             .outerjoin(EditionPaper, EditionPaper.edition_id == Edition.id)
             .group_by(Edition.id, Edition.date).order_by(Edition.date.desc()).limit(limit))
    return [(date, count) for date, count in session.execute(query)]


def latest_edition(session: Session) -> Edition | None:
    return session.scalar(select(Edition).order_by(Edition.date.desc()).limit(1))


def edition_sections(edition: Edition) -> list[Section]:
    """The edition's papers, best first, each once under its first topic."""
    return group_by_topic([entry.paper for entry in edition.papers], [])


def topic_papers(session: Session, topic: str, limit: int = TOPIC_PAGE_SIZE) -> list[Paper]:
    """The most recently seen papers tagged with `topic`."""
    query = (select(Paper).join(PaperTopic, PaperTopic.paper_id == Paper.id)
             .where(PaperTopic.topic == topic)
             .order_by(Paper.first_seen_at.desc(), Paper.id).limit(limit))
    return list(session.scalars(query))
