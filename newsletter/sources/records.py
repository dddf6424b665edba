"""What one source says about one paper: the value every parser returns.

Parsers are pure (bytes in, records out); merging records into papers is `newsletter.papers`'s job.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field


@dataclass
class PaperRecord:
    """One item of one source, normalized.

    `arxiv_id` is the arXiv identifier without version ("2411.01234", "hep-th/9901001") when the
    item names one; `external_id` is the source's own stable id (the arXiv id, or a guid/link).
    `signals` holds what the source says about attention, with these keys when known:
    upvotes, comments, github_repo, github_stars, project_page, organization, hf_url.
    `links` maps a kind ("abstract", "pdf", "code", "project", "hf", "html") to an absolute URL.
    `announce_type` is arXiv's new/cross/replace/replace-cross, or None for other sources.
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


class ParseError(ValueError):
    """The bytes are not a feed of the expected kind (HTML error page, truncated XML, JSON error)."""
