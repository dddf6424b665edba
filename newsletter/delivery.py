"""Send an edition's digests: claim the ledger row, choose the papers, render, send, mark.

Each subscriber's row is claimed (and committed) before the send, so a repeated run, a second
worker or a redelivered task sends nothing twice.
"""

from __future__ import annotations

import logging
from collections import Counter

from sqlalchemy import select
from sqlalchemy.orm import Session

from newsletter import digests
from newsletter.compose import digest_message
from newsletter.config import Settings
from newsletter.llm.prompt import PROMPT_VERSION
from newsletter.mail import MailError, Mailer
from newsletter.models import Edition, Paper, Subscriber, Summary
from newsletter.summaries import paper_hash

log = logging.getLogger(__name__)


def summaries_for(session: Session, papers: list[Paper], model: str,
                  language: str) -> dict[str, Summary]:
    """Each paper's summary (by paper id) in `language`, in English where that language has none."""
    hashes = {paper_hash(paper): paper.id for paper in papers}
    query = select(Summary).where(Summary.content_hash.in_(hashes),
                                  Summary.requested_model == model,
                                  Summary.prompt_version == PROMPT_VERSION,
                                  Summary.language.in_({language, "en"}))
    best: dict[str, Summary] = {}
    for summary in session.scalars(query):
        paper_id = hashes[summary.content_hash]
        if summary.language == language or paper_id not in best:
            best[paper_id] = summary
    return best


def deliver_one(session: Session, settings: Settings, mailer: Mailer, edition: Edition,
                subscriber_id: int) -> str:
    """Deliver this edition to one subscriber; return "sent", "empty", "failed" or "already"."""
    delivery = digests.claim_delivery(session, subscriber_id, edition.id)
    if delivery is None:
        return "already"
    subscriber = session.get(Subscriber, subscriber_id)
    papers = digests.select_papers(subscriber, edition, digests.sent_paper_ids(session, subscriber_id),
                                   settings.max_papers_per_digest)
    if not papers:
        digests.mark_finished(session, delivery, digests.EMPTY)
        return "empty"
    summaries = summaries_for(session, papers, settings.llm_model,
                              subscriber.language)
    sections = digests.group_by_topic(papers, subscriber.topics)
    tags = {"edition_id": str(edition.id), "delivery_id": str(delivery.id)}
    message = digest_message(settings, subscriber, edition.date, sections, summaries, tags)
    try:
        message_id = mailer.send(message)
    except MailError as error:
        log.warning("digest to subscriber %s failed: %s", subscriber_id, error)
        digests.mark_finished(session, delivery, digests.FAILED, str(error))
        return "failed"
    digests.mark_sent(session, delivery, papers, message_id)
    return "sent"


def deliver_edition(session: Session, settings: Settings, mailer: Mailer, edition: Edition,
                    first_id: int | None = None, last_id: int | None = None) -> Counter:
    """Deliver the edition to every due subscriber (with an id in [first_id, last_id] when
    given: the unit of work of one worker task); count the outcomes."""
    outcomes: Counter = Counter()
    for subscriber_id in digests.due_subscriber_ids(session, edition, first_id, last_id):
        outcomes[deliver_one(session, settings, mailer, edition, subscriber_id)] += 1
    return outcomes
