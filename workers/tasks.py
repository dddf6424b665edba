"""Thin tasks: each takes ids or values, calls one newsletter step, and is safe to run twice
(the steps claim rows in the database before any side effect)."""

from __future__ import annotations

import datetime as dt

from newsletter.config import get_settings
from newsletter.db import session_scope
from newsletter.delivery import deliver_one
from newsletter.digests import build_edition, due_subscriber_ids
from newsletter.ingest import ingest_source
from newsletter.models import Edition
from newsletter.sources import SourceSpec
from newsletter.summaries import summarize_and_tag
from newsletter.wiring import Services
from workers.celery_app import app

_services: Services | None = None


def services() -> Services:
    """One Services per worker process."""
    global _services
    if _services is None:
        _services = Services(get_settings())
    return _services


@app.task
def ingest(kind: str, url: str) -> list[str]:
    """Ingest one source; return the ids of the papers it carried."""
    with session_scope(services().factory) as session:
        report = ingest_source(session, SourceSpec(kind, url))
    return report.paper_ids


@app.task
def summarize(paper_ids: list[str], languages: list[str]) -> dict:
    s = services()
    with session_scope(s.factory) as session:
        return dict(summarize_and_tag(session, paper_ids, s.summarizer, s.taxonomy, languages))


@app.task
def deliver(date: str) -> int:
    """Fan out one delivery task per due subscriber of the edition of `date`."""
    with session_scope(services().factory) as session:
        edition = build_edition(session, dt.date.fromisoformat(date))
        due = due_subscriber_ids(session, edition)
        edition_id = edition.id
    for subscriber_id in due:
        deliver_to.delay(edition_id, subscriber_id)
    return len(due)


@app.task
def deliver_to(edition_id: int, subscriber_id: int) -> str:
    s = services()
    with session_scope(s.factory) as session:
        edition = session.get(Edition, edition_id)
        return deliver_one(session, s.settings, s.mailer, edition, subscriber_id)
