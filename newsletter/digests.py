"""Editions, who may be due, and what each subscriber gets (the ledger is `newsletter.ledger`).

An edition is the papers of one day that were in no earlier edition, ranked by trending score.
A daily digest is the edition's papers in the subscriber's topics (none chosen means all) that
they were never sent, best first, at most their limit, grouped by topic. A weekly digest draws
the same way from the papers of the week's editions, ranked by trending score.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from newsletter.ledger import SENT
from newsletter.models import (
    Delivery,
    DigestPapers,
    Edition,
    EditionPaper,
    Paper,
    Subscriber,
    utcnow,
)
from newsletter.papers import ranked_at, refresh_trending_score
from newsletter.schedule import window_start
from newsletter.subscriptions import CONFIRMED

LOOKBACK = dt.timedelta(days=3)  # older unannounced papers are not news any more
OTHER_TOPIC = "Other"


def build_edition(session: Session, date: dt.date, now: dt.datetime | None = None) -> Edition:
    """The edition of `date`, made from the papers seen recently (by `now`, the wall clock) that
    no edition has carried and that were announced as new (an arXiv revision of an older paper
    is never news), ranked by their trending score as of the date itself (`ranked_at`).
    Idempotent: an existing edition for the date is returned unchanged."""
    edition = session.scalar(select(Edition).where(Edition.date == date))
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


def undelivered(edition_id: int, first_id: int | None, last_id: int | None, *columns):
    """SELECT `columns` of the confirmed subscribers with no ledger row for the edition, with ids
    in [first_id, last_id] when given."""
    delivered = exists().where(
        Delivery.subscriber_id == Subscriber.id, Delivery.edition_id == edition_id
    )
    query = select(*columns).where(Subscriber.status == CONFIRMED, ~delivered)
    if first_id is not None:
        query = query.where(Subscriber.id >= first_id)
    if last_id is not None:
        query = query.where(Subscriber.id <= last_id)
    return query


@dataclass
class Section:
    topic: str
    papers: list[Paper]


def pool(session: Session, edition: Edition, frequency: str) -> list[Paper]:
    """The papers a digest of this edition draws from, best first: the edition's own (daily), or
    every edition's of the week ending with it, by trending score (weekly)."""
    first = window_start(frequency, edition.date)
    if first == edition.date:
        return [entry.paper for entry in edition.papers]
    query = (select(Paper).join(EditionPaper).join(Edition)
             .where(Edition.date >= first, Edition.date <= edition.date))
    return sorted(session.scalars(query).unique(), key=lambda p: (-p.trending_score, p.id))


def group_by_topic(papers: list, chosen_topics: list[str]) -> list[Section]:
    """Each paper once, under its first topic that the subscriber chose (any topic when they chose
    none); sections in the order of their best paper."""
    chosen = set(chosen_topics or [])
    sections: dict[str, Section] = {}
    for paper in papers:
        topic = next((t for t in paper.topic_names if not chosen or t in chosen), OTHER_TOPIC)
        sections.setdefault(topic, Section(topic, [])).papers.append(paper)
    return list(sections.values())


def addresses(session: Session, subscriber_ids: Sequence[int]) -> dict[int, tuple[str, str]]:
    """The email address and token secret of each of these subscribers, in one query; erased
    ones are left out."""
    query = select(Subscriber.id, Subscriber.email, Subscriber.token_secret).where(
        Subscriber.id.in_(subscriber_ids))
    rows = session.connection().execute(query).all()  # Core: lean, once a wave
    return {subscriber_id: (email, secret) for subscriber_id, email, secret in rows}


def sent_among(session: Session, subscriber_ids: list[int], paper_ids: list[str],
               since: dt.date) -> dict[int, set[str]]:
    """Which of `paper_ids` each of these subscribers was already sent, in one query over their
    sent deliveries of editions dated `since` or later; subscribers who were sent none of them
    are left out.

    A paper is in one edition only, and a digest of edition D carries papers of editions D-6 to
    D: so `since` = the first edition date of the pool that `paper_ids` come from loses nothing
    that matters, and keeps the rows read to about a week's per subscriber."""
    wanted = set(paper_ids)
    # The status is checked here, not in SQL: given `status = 'sent'`, SQLite's planner walks
    # the status index (every sent row of the ledger) instead of the subscriber ids.
    query = (select(Delivery.subscriber_id, Delivery.status, DigestPapers.paper_ids)
             .join(DigestPapers, Delivery.digest_papers_id == DigestPapers.id)
             .join(Edition, Delivery.edition_id == Edition.id)
             .where(Delivery.subscriber_id.in_(subscriber_ids), Edition.date >= since))
    sent: dict[int, set[str]] = {}
    for subscriber_id, status, papers in session.connection().execute(query):
        if status == SENT and (found := wanted.intersection(papers)):
            sent.setdefault(subscriber_id, set()).update(found)
    return sent
