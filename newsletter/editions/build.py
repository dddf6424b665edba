"""Editions: the papers of one day that were in no earlier edition, ranked by trending score,
and the candidates a digest of an edition draws from (the edition's own papers for a daily
digest, the week's editions' by trending score for a weekly one). Who gets which of them is
newsletter.delivery's."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from newsletter.delivery.schedule import window_start
from newsletter.editions.trending import ranked_at, refresh_trending_score
from newsletter.models import (
    Edition,
    EditionPaper,
    Paper,
    utcnow,
)

LOOKBACK = dt.timedelta(days=3)  # older unannounced papers are not news any more


def edition_on(session: Session, date: dt.date) -> Edition | None:
    """The edition of `date`, if one was built."""
    return session.scalar(select(Edition).where(Edition.date == date))


def build_edition(session: Session, date: dt.date, now: dt.datetime | None = None) -> Edition:
    """The edition of `date`, made from the papers seen recently (by `now`, the wall clock) that
    no edition has carried and that were announced as new (an arXiv revision of an older paper
    is never news), ranked by their trending score as of the date itself (`ranked_at`).
    Idempotent: an existing edition for the date is returned unchanged."""
    edition = edition_on(session, date)
    if edition is not None:
        return edition
    now = now or utcnow()
    carried = exists().where(EditionPaper.paper_id == Paper.id)
    candidates = session.scalars(
        select(Paper).where(Paper.announce, ~carried, Paper.first_seen_at >= now - LOOKBACK)
    ).all()
    at = ranked_at(date)
    ranked = sorted(candidates, key=lambda p: (-refresh_trending_score(p, at), p.id))
    edition = Edition(date=date)
    edition.papers = [EditionPaper(paper=p, rank=rank) for rank, p in enumerate(ranked)]
    session.add(edition)
    session.flush()
    return edition


def pool(session: Session, edition: Edition, frequency: str) -> list[Paper]:
    """The papers a digest of this edition draws from, best first: the edition's own (daily), or
    every edition's of the week ending with it, by trending score (weekly)."""
    first = window_start(frequency, edition.date)
    if first == edition.date:
        return [entry.paper for entry in edition.papers]
    query = (select(Paper).join(EditionPaper).join(Edition)
             .where(Edition.date >= first, Edition.date <= edition.date))
    return sorted(session.scalars(query).unique(), key=lambda p: (-p.trending_score, p.id))
