"""Editions, who is due, what each subscriber gets, and the delivery ledger.

An edition is the papers of one day that were in no earlier edition, ranked by trending score.
A subscriber's digest is the edition's papers in their topics (none chosen means all) that they
were never sent, best first, at most their limit, grouped by topic.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import exists, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from newsletter.models import Delivery, Edition, EditionPaper, Paper, SentPaper, Subscriber, utcnow
from newsletter.papers import refresh_trending_score
from newsletter.subscriptions import CONFIRMED

LOOKBACK = dt.timedelta(days=3)  # older unannounced papers are not news any more
OTHER_TOPIC = "Other"
CLAIMED, SENT, EMPTY, FAILED = "claimed", "sent", "empty", "failed"


def build_edition(session: Session, date: dt.date, now: dt.datetime | None = None) -> Edition:
    """The edition of `date`, made from the papers seen recently that no edition has carried.
    Idempotent: an existing edition for the date is returned unchanged."""
    edition = session.scalar(select(Edition).where(Edition.date == date))
    if edition is not None:
        return edition
    now = now or utcnow()
    carried = exists().where(EditionPaper.paper_id == Paper.id)
    candidates = session.scalars(
        select(Paper).where(~carried, Paper.first_seen_at >= now - LOOKBACK)
    ).all()
    ranked = sorted(candidates, key=lambda p: (-refresh_trending_score(p, now), p.id))
    edition = Edition(date=date)
    edition.papers = [EditionPaper(paper=p, rank=rank) for rank, p in enumerate(ranked)]
    session.add(edition)
    session.flush()
    return edition


def due_subscriber_ids(session: Session, edition: Edition, first_id: int | None = None,
                       last_id: int | None = None) -> list[int]:
    """Confirmed subscribers with no ledger row for this edition yet, optionally only those
    with ids in [first_id, last_id] (how workers split the list)."""
    delivered = exists().where(
        Delivery.subscriber_id == Subscriber.id, Delivery.edition_id == edition.id
    )
    query = select(Subscriber.id).where(Subscriber.status == CONFIRMED, ~delivered)
    if first_id is not None:
        query = query.where(Subscriber.id >= first_id)
    if last_id is not None:
        query = query.where(Subscriber.id <= last_id)
    return list(session.scalars(query.order_by(Subscriber.id)))


@dataclass
class Section:
    topic: str
    papers: list[Paper]


def select_papers(subscriber: Subscriber, edition: Edition, already_sent: set[str],
                  default_limit: int) -> list[Paper]:
    """The edition's papers for this subscriber, best first: in their topics (none = all),
    never sent to them before, at most their limit."""
    chosen = set(subscriber.topics or [])
    limit = subscriber.max_papers or default_limit
    picked = []
    for entry in edition.papers:
        paper = entry.paper
        if paper.id in already_sent:
            continue
        if chosen and not chosen.intersection(paper.topic_names):
            continue
        picked.append(paper)
        if len(picked) == limit:
            break
    return picked


def group_by_topic(papers: list[Paper], chosen_topics: list[str]) -> list[Section]:
    """Each paper once, under its first topic that the subscriber chose (any topic when they chose
    none); sections in the order of their best paper."""
    chosen = set(chosen_topics or [])
    sections: dict[str, Section] = {}
    for paper in papers:
        topic = next((t for t in paper.topic_names if not chosen or t in chosen), OTHER_TOPIC)
        sections.setdefault(topic, Section(topic, [])).papers.append(paper)
    return list(sections.values())


def sent_paper_ids(session: Session, subscriber_id: int) -> set[str]:
    query = select(SentPaper.paper_id).where(SentPaper.subscriber_id == subscriber_id)
    return set(session.scalars(query))


def claim_delivery(session: Session, subscriber_id: int, edition_id: int) -> Delivery | None:
    """Claim the (subscriber, edition) ledger row before any side effect, committing at once;
    None when another run or worker already holds it."""
    delivery = Delivery(subscriber_id=subscriber_id, edition_id=edition_id, status=CLAIMED)
    session.add(delivery)
    try:
        session.commit()
    except IntegrityError:
        session.rollback()
        return None
    return delivery


def mark_sent(session: Session, delivery: Delivery, papers: list[Paper], message_id: str) -> None:
    """Record the send: the ledger row and, per paper, that this subscriber has it now."""
    delivery.status, delivery.sent_at = SENT, utcnow()
    delivery.provider_message_id = message_id
    delivery.paper_ids = [paper.id for paper in papers]
    for paper in papers:
        session.add(SentPaper(subscriber_id=delivery.subscriber_id, paper_id=paper.id,
                              delivery_id=delivery.id))
    session.commit()


def mark_finished(session: Session, delivery: Delivery, status: str, error: str | None = None):
    """Close a claimed row without a send: EMPTY (nothing for this subscriber today) or FAILED."""
    delivery.status, delivery.error = status, error
    session.commit()
