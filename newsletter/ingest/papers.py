"""Papers: one row per work across sources and days, and the trending score.

A record from a source is matched to a paper we have by, in order: its versionless arXiv id, its
DOI, its normalized title. A match merges (the sources' signals are all kept, missing fields are
filled, a newer arXiv version replaces title, abstract and authors, and so does the first record
from arXiv itself over a text that only a blog or Hugging Face gave); no match creates a paper.

An arXiv `replace`/`replace-cross` announcement is a new version of an old paper: it updates a
paper we have; for one we never had it stores the paper with `announce` False, so that no edition
carries it, whichever source names it later (a lab's post about its v2 is not news either). A paper keeps the
`first_seen_at` of its first record, so one seen again on a later day is not new again.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import unicodedata

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from newsletter.editions.trending import refresh_first_day_scores
from newsletter.models import Paper, PaperSource, utcnow
from newsletter.search import index as search_index
from newsletter.sources.records import PaperRecord, with_clean_text, without_bidi_controls

NEW, MERGED, UPDATED, UNCHANGED = "new", "merged", "updated", "unchanged"
REVISION = "revision"  # a paper first known from a revision: stored, never announced
REVISIONS = {"replace", "replace-cross"}
MATCHED = (UPDATED, UNCHANGED)  # outcomes of a record that found its paper
ARXIV_KINDS = {"arxiv", "arxiv-api"}
_DOI_PREFIX = re.compile(r"^(?:https?://(?:dx\.)?doi\.org/|doi:\s*)", re.IGNORECASE)


def normalize_title(title: str) -> str:
    """Lower-case ASCII words of a title, for matching the same work across sources."""
    text = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    return " ".join(re.findall(r"[a-z0-9]+", text.lower()))[:255]


def normalize_doi(doi: str | None) -> str | None:
    """A DOI as stored and compared: lower case, without a doi.org URL or "doi:" in front."""
    text = _DOI_PREFIX.sub("", (doi or "").strip()).lower()
    return text or None


def paper_id_for(record: PaperRecord) -> str:
    """The stable id: the arXiv id where there is one, else a hash of the source's own id."""
    if record.arxiv_id:
        return record.arxiv_id
    digest = hashlib.sha256(record.external_id.encode()).hexdigest()[:20]
    return f"web:{digest}"


class PaperIndex:
    """The stored papers a batch of records may be about, found with one query, and the papers
    the batch adds: matching a listing of thousands costs one round trip, not three a record."""

    _CHUNK = 500  # records a query: well under every database's limit on bound parameters

    def __init__(self) -> None:
        self.by_id: dict[str, Paper] = {}
        self.by_doi: dict[str, Paper] = {}
        self.by_title: dict[str, Paper] = {}

    @classmethod
    def load(cls, session: Session, records: list[PaperRecord]) -> PaperIndex:
        index = cls()
        for start in range(0, len(records), cls._CHUNK):
            chunk = records[start : start + cls._CHUNK]
            ids = {paper_id_for(record) for record in chunk}
            dois = {doi for record in chunk if (doi := normalize_doi(record.doi))}
            titles = {key for record in chunk if len(key := normalize_title(record.title)) >= 12}
            query = select(Paper).where(
                or_(Paper.id.in_(ids), Paper.doi.in_(dois), Paper.title_key.in_(titles)))
            for paper in session.scalars(query):
                index.add(paper)
        return index

    def add(self, paper: Paper) -> None:
        self.by_id[paper.id] = paper
        if paper.doi:
            self.by_doi.setdefault(paper.doi, paper)
        self.by_title.setdefault(paper.title_key, paper)

    def find(self, record: PaperRecord) -> Paper | None:
        """The paper this record is about (arXiv id, then DOI, then title), or None.

        A record naming an arXiv id never matches a paper with another one by DOI or title: two
        lab posts both titled "Big news from the lab" are about two papers. Very short titles
        ("Update", "News") are no evidence of identity.
        """
        paper = self.by_id.get(paper_id_for(record))
        if paper is not None:
            return paper
        key = normalize_title(record.title)
        candidates = [self.by_doi.get(normalize_doi(record.doi) or ""),
                      self.by_title.get(key) if len(key) >= 12 else None]
        return next((candidate for candidate in candidates if candidate is not None
                     and (not record.arxiv_id or candidate.id.startswith("web:"))), None)


def upsert_records(
    session: Session, records: list[PaperRecord], *, kind: str, url: str, backdate: bool = False
) -> list[tuple[str, Paper]]:
    """Store what one source says about each of its papers, in order; for each record return
    (NEW, MERGED, UPDATED, UNCHANGED or REVISION, the paper): REVISION for an arXiv revision of a
    paper we did not have, stored not to be announced.

    `backdate` (a backfill) makes a new paper first seen when it was published: history, which
    an edition of today does not announce. Bidirectional controls in the text are dropped, and
    TeX and markdown in titles, abstracts and names are rendered as plain text. The search rows
    of the papers whose text may have changed are written again, and papers no edition carried
    yet are scored as of their first day (editions.trending.refresh_first_day_scores).
    """
    records = [with_clean_text(without_bidi_controls(record)) for record in records]
    index = PaperIndex.load(session, records)
    results = []
    for record in records:
        outcome, paper = _upsert(session, index, record, kind=kind, url=url, backdate=backdate)
        index.add(paper)
        results.append((outcome, paper))
    refresh_first_day_scores(session, [paper for _, paper in results])
    search_index.refresh(session, [paper for outcome, paper in results if outcome != UNCHANGED])
    return results


def _upsert(session: Session, index: PaperIndex, record: PaperRecord, *, kind: str, url: str,
            backdate: bool) -> tuple[str, Paper]:
    paper = index.find(record)
    if paper is None:
        paper = _new_paper(record, backdate)
        session.add(paper)
        outcome = NEW if paper.announce else REVISION
    else:
        from_arxiv = kind in ARXIV_KINDS and not any(
            source.source_kind in ARXIV_KINDS for source in paper.sources
        )
        outcome = UPDATED if _merge_into(paper, record, from_arxiv) else UNCHANGED
    if _record_source(session, paper, record, kind=kind, url=url) and outcome in MATCHED:
        outcome = MERGED
    return outcome, paper


def _new_paper(record: PaperRecord, backdate: bool) -> Paper:
    now = utcnow()
    return Paper(
        id=paper_id_for(record),
        title=record.title,
        title_key=normalize_title(record.title),
        abstract=record.abstract,
        authors=list(record.authors),
        categories=list(record.categories),
        links=dict(record.links),
        version=record.version,
        doi=normalize_doi(record.doi),
        journal_ref=record.journal_ref,
        published_at=_naive_utc(record.published),
        first_seen_at=min(now, _naive_utc(record.published) or now) if backdate else now,
        announce=record.announce_type not in REVISIONS,
        ai_summary=record.ai_summary,
        ai_keywords=list(record.ai_keywords),
    )


def _merge_into(paper: Paper, record: PaperRecord, from_arxiv: bool) -> bool:
    """Fill what the paper lacks from the record; a newer arXiv version, or arXiv's own first
    word (`from_arxiv`), replaces the text. Returns whether anything changed."""
    before = _merged_fields(paper)
    newer = record.version is not None and (paper.version or 0) < record.version
    older = record.version is not None and record.version < (paper.version or 0)
    replaces = newer or (from_arxiv and not older)
    if replaces or not paper.abstract:
        paper.abstract = record.abstract or paper.abstract
    if replaces and record.title:
        paper.title, paper.title_key = record.title, normalize_title(record.title)
    if replaces and record.authors:
        paper.authors = list(record.authors)
    paper.version = max(paper.version or 0, record.version or 0) or None
    paper.authors = paper.authors or list(record.authors)
    # arXiv's primary category stays first; the text's source decides whose come first.
    first, then = (record.categories, paper.categories) if replaces else (paper.categories,
                                                                          record.categories)
    paper.categories = list(dict.fromkeys([*first, *then]))
    # The links we have win, except over a newer version's or arXiv's own.
    paper.links = {**paper.links, **record.links} if replaces else {**record.links, **paper.links}
    paper.doi = paper.doi or normalize_doi(record.doi)
    paper.journal_ref = paper.journal_ref or record.journal_ref
    paper.published_at = paper.published_at or _naive_utc(record.published)
    # Hugging Face writes its summary some hours after listing a paper: its latest word wins.
    paper.ai_summary = record.ai_summary or paper.ai_summary
    paper.ai_keywords = list(record.ai_keywords) or paper.ai_keywords
    return before != _merged_fields(paper)


def _merged_fields(paper: Paper) -> tuple:
    return (paper.title, paper.abstract, paper.authors, paper.categories, paper.links,
            paper.version, paper.doi, paper.journal_ref, paper.ai_summary, paper.ai_keywords)


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
