"""What one source says about one paper: the value every parser returns.

Parsers are pure (bytes in, records out); merging records into papers is `newsletter.ingest.papers`'s job.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass, field

from newsletter.text import clean_text, without_bidi


@dataclass
class PaperRecord:
    """One item of one source, normalized.

    `arxiv_id` is the arXiv identifier without version ("2411.01234", "hep-th/9901001") when the
    item names one; `external_id` is the source's own stable id (the arXiv id, or a guid/link).
    `signals` holds what the source says about attention, with these keys when known:
    upvotes, comments, github_repo, github_stars, project_page, organization, hf_url.
    `links` maps a kind ("abstract", "pdf", "code", "project", "hf", "html") to an absolute URL.
    `announce_type` is arXiv's new/cross/replace/replace-cross, or None for other sources.
    `ai_summary` and `ai_keywords` are what Hugging Face Daily Papers adds: a one-line summary
    written by a language model, and keywords (both absent for other sources).
    """

    external_id: str
    title: str
    abstract: str = ""
    arxiv_id: str | None = None
    version: int | None = None
    authors: list[str] = field(default_factory=list)
    categories: list[str] = field(default_factory=list)
    links: dict[str, str] = field(default_factory=dict)
    published: dt.datetime | None = None
    doi: str | None = None
    journal_ref: str | None = None
    announce_type: str | None = None
    signals: dict[str, object] = field(default_factory=dict)
    ai_summary: str | None = None
    ai_keywords: list[str] = field(default_factory=list)


class ParseError(ValueError):
    """The bytes are not a feed of the expected kind (HTML error page, truncated XML, JSON error)."""


def without_bidi_controls(record: PaperRecord) -> PaperRecord:
    """The record with every bidirectional control removed from its text, wherever it is."""
    return dataclasses.replace(record, **{
        f.name: _strip(getattr(record, f.name)) for f in dataclasses.fields(record)})


def _strip(value):
    if isinstance(value, str):
        return without_bidi(value)
    if isinstance(value, list):
        return [_strip(item) for item in value]
    if isinstance(value, dict):
        return {_strip(key): _strip(item) for key, item in value.items()}
    return value


def with_clean_text(record: PaperRecord) -> PaperRecord:
    """The record with its title, abstract, author names, and Hugging Face's summary and
    keywords as readers see them: TeX rendered as Unicode, markdown emphasis removed
    (`newsletter.text.clean_text`)."""
    return dataclasses.replace(record, title=clean_text(record.title),
                               abstract=clean_text(record.abstract),
                               authors=[clean_text(name) for name in record.authors],
                               ai_summary=clean_text(record.ai_summary or "") or None,
                               ai_keywords=[clean_text(word) for word in record.ai_keywords])
