"""Turn domain objects into emails: the template context, the rendered parts, the list headers.

`emails` renders; this module decides what goes in (links, signals, summaries, the reason line
under each paper and its feedback links) and the headers every message carries
(List-Unsubscribe with one-click POST, List-Id).

A digest is rendered once for every reader who gets the same content: its personal parts (the
unsubscribe, preferences and feedback links, the address) are placeholders, URL-shaped so that
the templates' URL checks hold, that each `Recipient` fills in; List-Unsubscribe is a
per-recipient header. Transports substitute them (SendGrid natively, the others in
`mail.batch.expand`). A paper's feedback links are the reader's feedback URL (one placeholder)
followed by the paper id and the vote, so they need no substitution of their own.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Sequence
from email.utils import parseaddr
from functools import lru_cache

import emails
from newsletter.config import Settings
from newsletter.delivery.schedule import WEEKLY
from newsletter.editions.cards import card
from newsletter.editions.sections import group_by_topic
from newsletter.mail.batch import PersonalizedBatch, Recipient
from newsletter.models import Paper, Summary
from newsletter.personal import LESS, MORE, paper_feedback_url
from newsletter.subscribers import links
from newsletter.subscribers.tokens import SECRET_CHARS
from newsletter.summarize.prompt import LANGUAGE_NAMES

FOLLOWED = "Followed"  # the section of papers that match a reader's follows, whatever the topic
# The papers' parts this process rendered, for every digest it renders: a part's key holds all
# it depends on, so parts kept from another run or edition are still right.
PAPER_PARTS = emails.PaperParts()


def list_headers(settings: Settings) -> dict[str, str]:
    """The RFC 2369 / RFC 8058 headers every reader shares; mailbox providers show an
    unsubscribe button from these and each reader's List-Unsubscribe (`digest_recipient`)."""
    return {
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        "List-Id": f"{settings.site_name} <{settings.list_id}>",
    }


def paper_context(settings: Settings, paper: Paper, summary: Summary | None,
                  feedback_url: str | None = None) -> dict:
    """One paper as the digest template shows it: its card (`newsletter.editions.cards`), whose
    page link is absolute. With `feedback_url` (a reader's, or the placeholder for it) it
    carries "more like this" / "less like this" links; the reason line is added per reader
    (`digest_sections`)."""
    return {
        **card(paper, summary, settings.base_url),
        "language": summary.language if summary else "en",  # the language the summary is in
        "reason": None,
        "more_url": paper_feedback_url(feedback_url, paper.id, MORE) if feedback_url else None,
        "less_url": paper_feedback_url(feedback_url, paper.id, LESS) if feedback_url else None,
    }


def anchor(topic: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", topic.lower()).strip("-") or "topic"


def placeholder(settings: Settings, name: str) -> str:
    """The stand-in for a personal value in a shared rendering, shaped as a URL of the site."""
    return _placeholder(settings.base_url, name)


def _placeholder(base_url: str, name: str) -> str:
    return f"{base_url}/-{name}-"


def digest_message_id(settings: Settings, subscriber_id: int, delivery_id: int) -> str:
    """The Message-ID of the digest a ledger row sends: the same on every attempt, so a digest
    sent again after a crash replaces the outbox file, and mailboxes drop the copy."""
    return f"<digest.{delivery_id}.{subscriber_id}@{_domain(settings.from_email)}>"


@lru_cache(maxsize=8)  # parsing the address costs more than the rest of a reader's recipient
def _domain(from_email: str) -> str:
    return parseaddr(from_email)[1].rpartition("@")[2] or "localhost"


def digest_recipient(settings: Settings, subscriber_id: int, secret: str, email: str,
                     delivery_id: int) -> Recipient:
    """One reader of a shared digest (`secret`: their token secret): their links, their
    List-Unsubscribe, their ledger row."""
    unsubscribe, preferences, feedback = links.reader_urls(settings, subscriber_id, secret)
    unsubscribe_key, preferences_key, feedback_key, recipient_key = _personal_keys(
        settings.base_url)
    return Recipient(
        email=email,
        message_id=digest_message_id(settings, subscriber_id, delivery_id),
        substitutions={unsubscribe_key: unsubscribe, preferences_key: preferences,
                       feedback_key: feedback, recipient_key: email},
        headers={"List-Unsubscribe": f"<{unsubscribe}>"},
        custom_args={"delivery_id": str(delivery_id)},
    )


def digest_recipients(settings: Settings, members: Sequence[tuple[int, int, str, str]],
                      prepare: Callable[[list[Recipient]], list[Recipient]] | None = None
                      ) -> list[Recipient]:
    """`digest_recipient` of each of these readers, given as (delivery id, subscriber id,
    address, token secret) tuples (they pickle many times faster than objects), passed
    through the transport's `prepare` when it has one (`SendGridMailer.prepare_recipients`)."""
    recipients = [digest_recipient(settings, subscriber_id=subscriber_id, secret=secret,
                                   email=email, delivery_id=delivery_id)
                  for delivery_id, subscriber_id, email, secret in members]
    return prepare(recipients) if prepare is not None else recipients


@lru_cache(maxsize=8)  # the same four keys for every reader of a run
def _personal_keys(base_url: str) -> tuple[str, str, str, str]:
    """The placeholders of a reader's unsubscribe, preferences and feedback URLs and address."""
    return tuple(_placeholder(base_url, name) for name in
                 ("unsubscribe_url", "preferences_url", "feedback_url", "recipient"))


def digest_batch(settings: Settings, date: dt.date, frequency: str, topics: Sequence[str],
                 sections: list[dict], recipients: list[Recipient],
                 edition_id: int, more: int = 0, language: str = "en") -> PersonalizedBatch:
    """The digest these readers share (same papers, topics, language and frequency), rendered
    once and fitted under Gmail's clipping size; `sections` hold `paper_context` dicts; `more`
    papers of their topics did not fit their limit: the email says so and links to them (the
    day's edition page; the archive for a weekly digest). `language` is the one the readers
    chose; the email's `lang` is the one its summaries are in, and readers whose language no
    summary could be written in are told so at the top."""
    written = summaries_language(sections)
    context = {
        "lang": written,
        "language_note": _language_note(language, written),
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
        "more_matched": more,
        "more_url": (links.archive_url(settings) if frequency == WEEKLY
                     else links.edition_url(settings, date)),
    }
    rendered = emails.fit_digest(context, limit_bytes=_fit_limit(settings, context["paper_count"]),
                                 parts=PAPER_PARTS)
    return PersonalizedBatch(
        from_email=settings.from_email, subject=rendered.subject, text=rendered.text,
        html=rendered.html, recipients=recipients, reply_to=settings.reply_to,
        headers=list_headers(settings), categories=["digest", f"edition-{edition_id}"],
        custom_args={"edition_id": str(edition_id)},
    )


def summaries_language(sections: list[dict]) -> str:
    """The language of the digest's summaries: the one they share, else English (the one every
    paper has a summary in)."""
    languages = {paper.get("language", "en")
                 for section in sections for paper in section["papers"]}
    return languages.pop() if len(languages) == 1 else "en"


def _language_note(chosen: str, written: str) -> str | None:
    if chosen == written:
        return None
    name = LANGUAGE_NAMES.get(chosen, chosen)
    return (f"You chose summaries in {name}, but these are in English: summaries in {name} "
            "need a language model, and none wrote them for this email.")


def _fit_limit(settings: Settings, paper_count: int) -> int:
    """Gmail's safe size less what filling in a reader's feedback links adds: the rendering is
    measured with the placeholder, two links a paper. +1 a link: the soft line break that
    quoted-printable adds every 75 characters."""
    longest = links.feedback_url(settings, 2**31 - 1, "x" * SECRET_CHARS)  # the longest one
    growth = max(len(longest) - len(placeholder(settings, "feedback_url")), 0)
    return emails.GMAIL_SAFE_BYTES - 2 * paper_count * (growth + 1)


def section_context(topic: str, papers: list[dict]) -> dict:
    return {"topic": topic, "anchor": anchor(topic), "papers": papers}


def digest_sections(picks: Sequence, contexts: dict[str, dict],
                    topics: Sequence[str]) -> list[dict]:
    """The sections of one digest: its followed picks under FOLLOWED, then the others under
    their first chosen topic (`group_by_topic`); each paper's context gets its pick's
    reason line. `picks` have `id`, `topic_names`, `reason` and `followed`; `contexts` are
    `paper_context` dicts by paper id."""
    def shown(pick) -> dict:
        return {**contexts[pick.id], "reason": pick.reason or None}

    followed = [pick for pick in picks if pick.followed]
    sections = [section_context(FOLLOWED, [shown(p) for p in followed])] if followed else []
    others = [pick for pick in picks if not pick.followed]
    return sections + [section_context(s.topic, [shown(p) for p in s.papers])
                       for s in group_by_topic(others, list(topics))]


def _digest_reason(topics: Sequence[str], frequency: str) -> str:
    # Sorted: readers who chose the same topics in another order share one rendering.
    chosen = ", ".join(sorted(topics)) if topics else "all topics"
    return f"You subscribed to the {frequency} digest of new machine-learning papers in {chosen}."
