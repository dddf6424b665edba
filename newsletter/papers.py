"""Papers: one row per work across sources and days, and the trending score.

A record from a source is matched to a paper we have by, in order: its versionless arXiv id, its
DOI, its normalized title. A match merges (the sources' signals are all kept, missing fields are
filled, a newer arXiv version replaces title and abstract); no match creates a paper.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
import re
import unicodedata
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from newsletter.models import Paper, PaperSource, utcnow
from newsletter.sources.records import PaperRecord

NEW, MERGED, UPDATED, UNCHANGED = "new", "merged", "updated", "unchanged"


def normalize_title(title: str) -> str:
    """Lower-case ASCII words of a title, for matching the same work across sources."""
    text = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    return " ".join(re.findall(r"[a-z0-9]+", text.lower()))[:255]


def paper_id_for(record: PaperRecord) -> str:
    """The stable id: the arXiv id where there is one, else a hash of the source's own id."""
    if record.arxiv_id:
        return record.arxiv_id
    digest = hashlib.sha256(record.external_id.encode()).hexdigest()[:20]
    return f"web:{digest}"


def find_paper(session: Session, record: PaperRecord) -> Paper | None:
    """The paper this record is about, if we have it (arXiv id, then DOI, then title)."""
    paper = session.get(Paper, paper_id_for(record))
    if paper is None and record.doi:
        paper = session.scalar(select(Paper).where(Paper.doi == record.doi.lower()).limit(1))
    if paper is None and record.title:
        key = normalize_title(record.title)
        if len(key) >= 12:  # very short titles ("Update", "News") are not evidence of identity
            paper = session.scalar(select(Paper).where(Paper.title_key == key).limit(1))
    return paper


def upsert_record(
    session: Session, record: PaperRecord, *, kind: str, url: str
) -> tuple[str, Paper]:
    """Store what one source says about one paper; return (NEW, MERGED, UPDATED or UNCHANGED,
    the paper)."""
    paper = find_paper(session, record)
    if paper is None:
        paper = _new_paper(record)
        session.add(paper)
        outcome = NEW
    else:
        outcome = UPDATED if _merge_into(paper, record) else UNCHANGED
    if _record_source(session, paper, record, kind=kind, url=url) and outcome != NEW:
        outcome = MERGED
    return outcome, paper


def _new_paper(record: PaperRecord) -> Paper:
    return Paper(
        id=paper_id_for(record),
        title=record.title,
        title_key=normalize_title(record.title),
        abstract=record.abstract,
        authors=list(record.authors),
        categories=list(record.categories),
        links=dict(record.links),
        version=record.version,
        doi=record.doi.lower() if record.doi else None,
        journal_ref=record.journal_ref,
        published_at=_naive_utc(record.published),
        first_seen_at=utcnow(),
    )


def _merge_into(paper: Paper, record: PaperRecord) -> bool:
    """Fill what the paper lacks from the record; a newer arXiv version replaces the text.
    Returns whether anything changed."""
    before = (paper.title, paper.abstract, paper.authors, paper.categories, paper.links,
              paper.version, paper.doi, paper.journal_ref)
    newer = record.version is not None and (paper.version or 0) < record.version
    if newer or not paper.abstract:
        paper.abstract = record.abstract or paper.abstract
    if newer:
        paper.title, paper.title_key = record.title, normalize_title(record.title)
        paper.version = record.version
    paper.authors = paper.authors or list(record.authors)
    paper.categories = paper.categories + [c for c in record.categories if c not in paper.categories]
    # The links we have win, except over a newer version's.
    paper.links = {**paper.links, **record.links} if newer else {**record.links, **paper.links}
    paper.doi = paper.doi or (record.doi.lower() if record.doi else None)
    paper.journal_ref = paper.journal_ref or record.journal_ref
    paper.published_at = paper.published_at or _naive_utc(record.published)
    after = (paper.title, paper.abstract, paper.authors, paper.categories, paper.links,
             paper.version, paper.doi, paper.journal_ref)
    return before != after


def _record_source(session, paper: Paper, record: PaperRecord, *, kind: str, url: str) -> bool:
    """Keep this source's signals for the paper; return True when the source is new for it."""
    for existing in paper.sources:
        if existing.source_kind == kind and existing.external_id == record.external_id:
            existing.signals = {**existing.signals, **record.signals}
            existing.last_seen_at = utcnow()
            return False
    paper.sources.append(
        PaperSource(source_kind=kind, source_url=url, external_id=record.external_id,
                    signals=dict(record.signals))
    )
    return True


def _naive_utc(value: dt.datetime | None) -> dt.datetime | None:
    if value is None or value.tzinfo is None:
        return value
    return value.astimezone(dt.UTC).replace(tzinfo=None)


@dataclass(frozen=True)
class Signals:
    """The attention signals of a paper, summed over its sources."""

    upvotes: int = 0
    comments: int = 0
    github_stars: int = 0
    source_count: int = 1


def signals_of(paper: Paper) -> Signals:
    def total(key: str) -> int:
        return max((int(s.signals.get(key) or 0) for s in paper.sources), default=0)

    return Signals(
        upvotes=total("upvotes"),
        comments=total("comments"),
        github_stars=total("github_stars"),
        source_count=max(1, len({s.source_kind for s in paper.sources})),
    )


HALF_LIFE_HOURS = 36.0


def trending_score(signals: Signals, age_hours: float) -> float:
    """attention x decay.

    attention = 1 + 2 ln(1 + upvotes) + ln(1 + comments) + 1.5 (distinct source kinds - 1)
                  + 0.5 ln(1 + GitHub stars)
    decay     = 0.5 ** (age in hours / 36)

    Logarithms make the first upvotes count most (150 upvotes beat none by far, 300 beat 150 by
    little); the half-life of a day and a half makes yesterday's hit fade behind today's.
    """
    attention = (
        1.0
        + 2.0 * math.log1p(signals.upvotes)
        + 1.0 * math.log1p(signals.comments)
        + 1.5 * (signals.source_count - 1)
        + 0.5 * math.log1p(signals.github_stars)
    )
    return attention * 0.5 ** (max(age_hours, 0.0) / HALF_LIFE_HOURS)


def refresh_trending_score(paper: Paper, now: dt.datetime) -> float:
    """Recompute and store the paper's score as of `now` (naive UTC)."""
    born = paper.published_at or paper.first_seen_at
    paper.trending_score = trending_score(signals_of(paper), (now - born).total_seconds() / 3600)
    return paper.trending_score
