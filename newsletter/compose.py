"""Turn domain objects into emails: the template context, the rendered parts, the list headers.

`emails` renders; this module decides what goes in (links, signals, summaries) and the headers
every message carries (List-Unsubscribe with one-click POST, List-Id).

A digest is rendered once for every reader who gets the same content: its personal parts (the
unsubscribe and preferences links, the address) are placeholders, URL-shaped so that the
templates' URL checks hold, that each `Recipient` fills in; List-Unsubscribe is a per-recipient
header. Transports substitute them (SendGrid natively, the others in `mail.batch.expand`).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence

import emails
from newsletter import links
from newsletter.config import OFFLINE_MODEL, Settings
from newsletter.mail.batch import PersonalizedBatch, Recipient
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


def list_headers(settings: Settings) -> dict[str, str]:
    """The RFC 2369 / RFC 8058 headers every reader shares; mailbox providers show an
    unsubscribe button from these and each reader's List-Unsubscribe (`digest_recipient`)."""
    return {
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


def placeholder(settings: Settings, name: str) -> str:
    """The stand-in for a personal value in a shared rendering, shaped as a URL of the site."""
    return f"{settings.base_url}/-{name}-"


def digest_recipient(settings: Settings, subscriber_id: int, email: str,
                     delivery_id: int) -> Recipient:
    """One reader of a shared digest: their links, their List-Unsubscribe, their ledger row."""
    unsubscribe = links.unsubscribe_url(settings, subscriber_id)
    return Recipient(
        email=email,
        substitutions={
            placeholder(settings, "unsubscribe_url"): unsubscribe,
            placeholder(settings, "preferences_url"): links.preferences_url(settings, subscriber_id),
            placeholder(settings, "recipient"): email,
        },
        headers={"List-Unsubscribe": f"<{unsubscribe}>"},
        custom_args={"delivery_id": str(delivery_id)},
    )


def digest_batch(settings: Settings, date: dt.date, frequency: str, topics: Sequence[str],
                 sections: list[dict], recipients: list[Recipient],
                 edition_id: int) -> PersonalizedBatch:
    """The digest these readers share (same papers, topics, language and frequency), rendered
    once and fitted under Gmail's clipping size; `sections` hold `paper_context` dicts."""
    context = {
        "site_name": settings.site_name,
        "base_url": settings.base_url,
        "recipient": placeholder(settings, "recipient"),
        "postal_address": settings.postal_address,
        "preferences_url": placeholder(settings, "preferences_url"),
        "unsubscribe_url": placeholder(settings, "unsubscribe_url"),
        "reason": _digest_reason(topics, frequency),
        "date": date,
        "edition_url": links.edition_url(settings, date),
        "paper_count": sum(len(s["papers"]) for s in sections),
        "topic_count": len(sections),
        "sections": sections,
        "overflow": [],
        "overflow_note": None,
    }
    rendered = emails.fit_digest(context)
    return PersonalizedBatch(
        from_email=settings.from_email, subject=rendered.subject, text=rendered.text,
        html=rendered.html, recipients=recipients, reply_to=settings.reply_to,
        headers=list_headers(settings), categories=["digest", f"edition-{edition_id}"],
        custom_args={"edition_id": str(edition_id)},
    )


def section_context(topic: str, papers: list[dict]) -> dict:
    return {"topic": topic, "anchor": anchor(topic), "papers": papers}


def notice_message(settings: Settings, subscriber: Subscriber, template: str, reason: str,
                   **extra) -> OutgoingMessage:
    """A one-off transactional email (confirmation, welcome, preferences updated, goodbye): no
    list headers, since it is not list mail."""
    context = {**base_context(settings, subscriber, reason), **extra}
    rendered = emails.render(template, context)
    return OutgoingMessage(to=subscriber.email, from_email=settings.from_email,
                           subject=rendered.subject, text=rendered.text, html=rendered.html,
                           reply_to=settings.reply_to)


def _digest_reason(topics: Sequence[str], frequency: str) -> str:
    # Sorted: readers who chose the same topics in another order share one rendering.
    chosen = ", ".join(sorted(topics)) if topics else "all topics"
    return f"You subscribed to the {frequency} digest of new machine-learning papers in {chosen}."
