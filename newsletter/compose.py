"""Turn domain objects into emails: the template context, the rendered parts, the list headers.

`emails` renders; this module decides what goes in (links, signals, summaries) and the headers
every message carries (List-Unsubscribe with one-click POST, List-Id).
"""

from __future__ import annotations

import datetime as dt
import re

import emails
from newsletter import links
from newsletter.config import OFFLINE_MODEL, Settings
from newsletter.digests import Section
from newsletter.mail.message import OutgoingMessage
from newsletter.models import Paper, Subscriber, Summary
from newsletter.papers import signals_of


def base_context(settings: Settings, subscriber: Subscriber, reason: str) -> dict:
    """What every email's layout needs: site, recipient, footer links and postal address."""
    return {
        "site_name": settings.site_name,
        "base_url": settings.base_url,
        "recipient": subscriber.email,
        "postal_address": settings.postal_address,
        "preferences_url": links.preferences_url(settings, subscriber.id),
        "unsubscribe_url": links.unsubscribe_url(settings, subscriber.id),
        "reason": reason,
    }


def list_headers(settings: Settings, subscriber: Subscriber) -> dict[str, str]:
    """RFC 2369 / RFC 8058 headers: mailbox providers show an unsubscribe button from these."""
    return {
        "List-Unsubscribe": f"<{links.unsubscribe_url(settings, subscriber.id)}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        "List-Id": f"{settings.site_name} <{settings.list_id}>",
    }


def paper_context(paper: Paper, summary: Summary | None) -> dict:
    """One paper as the digest template shows it."""
    fields = summary.fields if summary else {}
    signals = signals_of(paper)
    extra = _source_signals(paper)
    return {
        "title": paper.title,
        "url": paper.links.get("abstract") or paper.links.get("html") or _first_link(paper),
        "pdf_url": paper.links.get("pdf"),
        "code_url": paper.links.get("code") or extra.get("github_repo"),
        "hf_url": paper.links.get("hf") or extra.get("hf_url"),
        "project_url": paper.links.get("project") or extra.get("project_page"),
        "authors": list(paper.authors),
        "organization": extra.get("organization"),
        "upvotes": signals.upvotes or None,
        "github_stars": signals.github_stars or None,
        "tldr": fields.get("tldr") or paper.title,
        "highlights": list(fields.get("highlights") or []),
        "topics": paper.topic_names,
        # shown as "extractive summary": honest about summaries no language model wrote
        "degraded": summary is None or summary.degraded or summary.model == OFFLINE_MODEL,
    }


def _source_signals(paper: Paper) -> dict:
    merged: dict = {}
    for source in paper.sources:
        merged.update({k: v for k, v in source.signals.items() if v not in (None, "")})
    return merged


def _first_link(paper: Paper) -> str:
    return next(iter(paper.links.values()), f"https://arxiv.org/abs/{paper.id}")


def anchor(topic: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", topic.lower()).strip("-") or "topic"


def digest_message(settings: Settings, subscriber: Subscriber, date: dt.date,
                   sections: list[Section], summaries: dict[str, Summary],
                   tags: dict[str, str] | None = None) -> OutgoingMessage:
    """The rendered digest for one subscriber, fitted under Gmail's clipping size."""
    paper_sections = [
        {"topic": s.topic, "anchor": anchor(s.topic),
         "papers": [paper_context(p, summaries.get(p.id)) for p in s.papers]}
        for s in sections
    ]
    context = base_context(settings, subscriber, reason=_digest_reason(subscriber))
    context.update(
        date=date,
        edition_url=links.edition_url(settings, date),
        paper_count=sum(len(s["papers"]) for s in paper_sections),
        topic_count=len(paper_sections),
        sections=paper_sections,
        overflow=[],
        overflow_note=None,
    )
    rendered = emails.fit_digest(context)
    return _message(settings, subscriber, rendered, list_headers(settings, subscriber), tags)


def notice_message(settings: Settings, subscriber: Subscriber, template: str, reason: str,
                   **extra) -> OutgoingMessage:
    """A one-off transactional email (confirmation, welcome, preferences updated, goodbye): no
    list headers, since it is not list mail."""
    context = {**base_context(settings, subscriber, reason), **extra}
    return _message(settings, subscriber, emails.render(template, context), {}, None)


def _message(settings, subscriber, rendered, headers, tags) -> OutgoingMessage:
    return OutgoingMessage(
        to=subscriber.email,
        from_email=settings.from_email,
        subject=rendered.subject,
        text=rendered.text,
        html=rendered.html,
        headers=headers,
        tags=dict(tags or {}),
    )


def _digest_reason(subscriber: Subscriber) -> str:
    topics = ", ".join(subscriber.topics) if subscriber.topics else "all topics"
    return f"You subscribed to the daily digest of new machine-learning papers in {topics}."
