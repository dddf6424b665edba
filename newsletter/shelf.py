"""The papers one delivery run draws from, read once: ranked per frequency, picked per reader,
and turned into template contexts per language.

Readers with the same frequency, topics and limit who were sent none of the candidates get the
same picks, computed once; only readers with papers already sent to them are picked one by one.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from newsletter import compose, digests
from newsletter.config import Settings
from newsletter.llm.prompt import PROMPT_VERSION
from newsletter.models import Edition, Paper, Summary
from newsletter.summaries import paper_hash


@dataclass(frozen=True)
class Candidate:
    """A paper as picking needs it: plain values, so nothing reloads after a commit."""

    id: str
    topic_names: tuple[str, ...]


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


class Shelf:
    def __init__(self, session: Session, settings: Settings, edition: Edition):
        self.session, self.settings, self.edition = session, settings, edition
        self._papers: dict[str, Paper] = {}
        self._ranked: dict[str, list[Candidate]] = {}
        self._shared_picks: dict[tuple, list[Candidate]] = {}
        self._contexts: dict[tuple[str, str], dict] = {}

    def ranked(self, frequency: str) -> list[Candidate]:
        """The candidates of a digest of this frequency, best first."""
        if frequency not in self._ranked:
            papers = digests.pool(self.session, self.edition, frequency)
            self._papers.update((paper.id, paper) for paper in papers)
            self._ranked[frequency] = [Candidate(p.id, tuple(p.topic_names)) for p in papers]
        return self._ranked[frequency]

    def picks(self, readers: list) -> dict[int, list[Candidate]]:
        """Each reader's papers (by subscriber id), never one sent to them before; one query."""
        pool_ids = {c.id for frequency in {r.frequency for r in readers}
                    for c in self.ranked(frequency)}
        sent = digests.sent_among(self.session, [r.id for r in readers], list(pool_ids))
        return {reader.id: self._pick(reader, sent.get(reader.id)) for reader in readers}

    def _pick(self, reader, already_sent: set[str] | None) -> list[Candidate]:
        limit = reader.max_papers or self.settings.max_papers_per_digest
        ranked = self.ranked(reader.frequency)
        if already_sent:
            return digests.pick_papers(ranked, reader.topics, limit, already_sent)
        key = (reader.frequency, frozenset(reader.topics or ()), limit)
        if key not in self._shared_picks:
            self._shared_picks[key] = digests.pick_papers(ranked, reader.topics, limit)
        return self._shared_picks[key]

    def contexts(self, language: str, paper_ids: tuple[str, ...]) -> list[dict]:
        """The template context of each paper, its summary in `language` (else English)."""
        missing = [self._papers[pid] for pid in paper_ids if (language, pid) not in self._contexts]
        if missing:
            summaries = summaries_for(self.session, missing, self.settings.llm_model, language)
            for paper in missing:
                self._contexts[language, paper.id] = compose.paper_context(
                    paper, summaries.get(paper.id))
        return [self._contexts[language, pid] for pid in paper_ids]
