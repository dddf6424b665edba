"""The papers one delivery run draws from, read once: ranked per frequency, picked per reader,
and turned into template contexts per language.

Each reader's papers are their personal digest (`newsletter.personal.select_for_reader`): followed
papers from any topic in a "Followed" section, muted ones never, the rest of their topics ranked
by their votes once they have voted enough, else in trending order. Readers with the same
frequency, topics and limit who follow, mute and rated nothing and were sent none of the
candidates get the same picks, computed once (and share one rendering); the others are picked
one by one.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.orm import Session

from newsletter.config import Settings
from newsletter.delivery import digest_email
from newsletter.delivery.digest import Digest, Pick, Picks
from newsletter.delivery.ledger import sent_among
from newsletter.delivery.schedule import window_start
from newsletter.editions import build
from newsletter.models import Edition, Paper
from newsletter.personal import Interests, PaperView, select_for_reader, store, view_of
from newsletter.personal.selection import Selection
from newsletter.summarize.summaries import summaries_of


def picks_of(digest: Selection) -> Picks:
    """The picks of a personal digest, followed papers first, each with its reason, and how
    many more papers its limit left out."""
    return Picks([Pick(r.paper.id, r.paper.topics, r.reason, True) for r in digest.followed]
                 + [Pick(r.paper.id, r.paper.topics, r.reason) for r in digest.ranked],
                 more=digest.more)


class Picker:
    """The candidates of one delivery run, read once per frequency; each reader's picks among
    them, and the papers' template contexts per language."""

    def __init__(self, session: Session, settings: Settings, edition: Edition):
        self.session, self.settings, self.edition = session, settings, edition
        self._papers: dict[str, Paper] = {}
        self._views: dict[str, list[PaperView]] = {}
        self._trending: dict[str, dict[str, float]] = {}
        self._shared_picks: dict[tuple, Picks] = {}
        self._shared_by_row: dict[tuple, Picks] = {}
        self._shared_digests: dict[int, dict[str, Digest]] = {}  # by id() of shared picks
        self._contexts: dict[tuple[str, str], dict] = {}

    def views(self, frequency: str) -> list[PaperView]:
        """The candidates of a digest of this frequency, best first."""
        if frequency not in self._views:
            papers = build.pool(self.session, self.edition, frequency)
            self._papers.update((paper.id, paper) for paper in papers)
            self._views[frequency] = [view_of(paper) for paper in papers]
            # the pool's order is the trending order: a rank keeps it exactly, ties and all
            self._trending[frequency] = {p.id: float(len(papers) - rank)
                                         for rank, p in enumerate(papers)}
        return self._views[frequency]

    def picks(self, readers: list) -> dict[int, Picks]:
        """Each reader's papers (by subscriber id), never one sent to them before; three queries
        whatever the number of readers (sent papers, interests, ratings)."""
        ids, frequencies = [reader.id for reader in readers], {r.frequency for r in readers}
        pool_ids = {view.id for frequency in frequencies for view in self.views(frequency)}
        since = min((window_start(f, self.edition.date) for f in frequencies),
                    default=self.edition.date)
        sent = sent_among(self.session, ids, list(pool_ids), since)
        interests = store.interests_among(self.session, ids)
        ratings = store.ratings_among(self.session, ids)
        personal = sent.keys() | interests.keys() | ratings.keys()
        return {reader.id: self._pick(reader, sent.get(reader.id, set()),
                                      interests.get(reader.id), ratings.get(reader.id, []))
                if reader.id in personal else self._shared(reader) for reader in readers}

    def digest(self, reader, papers: Picks) -> Digest:
        """The reader's digest of their `papers` (`Digest.of`). Readers given the same shared
        picks in the same language get one Digest object: a run's queues find it by identity,
        not by comparing up to 25 picks each time."""
        # keyed by id(): shared picks live as long as this Picker, so no other has their id
        by_language = self._shared_digests.get(id(papers))
        if by_language is None:
            return Digest.of(reader, papers)
        digest = by_language.get(reader.language)
        if digest is None:
            digest = by_language[reader.language] = Digest.of(reader, papers)
        return digest

    def _pick(self, reader, already_sent: set[str], interests: Interests | None,
              ratings: list) -> Picks:
        limit = reader.max_papers or self.settings.max_papers_per_digest
        return self._choose(reader, limit, already_sent, interests or Interests(), ratings)

    def _shared(self, reader) -> Picks:
        """The picks of every reader with this frequency, these topics (in any order) and this
        limit who follows, mutes and rated nothing and was sent none of the candidates."""
        # found first by the row's own values: a run's readers share a few hundred of them
        seen = (reader.frequency, tuple(reader.topics or ()), reader.max_papers)
        shared = self._shared_by_row.get(seen)
        if shared is None:
            limit = reader.max_papers or self.settings.max_papers_per_digest
            key = (reader.frequency, frozenset(reader.topics or ()), limit)
            shared = self._shared_picks.get(key)
            if shared is None:
                shared = self._shared_picks[key] = self._choose(reader, limit, set(),
                                                                Interests(), [])
                self._shared_digests[id(shared)] = {}
            self._shared_by_row[seen] = shared
        return shared

    def _choose(self, reader, limit: int, already_sent: set[str], interests: Interests,
                ratings: list) -> Picks:
        unsent = [view for view in self.views(reader.frequency) if view.id not in already_sent]
        digest = select_for_reader(unsent, reader.topics or (), ratings,
                                 self._trending[reader.frequency], interests, limit)
        return picks_of(digest)

    def contexts(self, language: str, paper_ids: Sequence[str]) -> list[dict]:
        """The template context of each paper, its summary in `language` (else English), with
        feedback links for the reader the rendering goes to (a placeholder, filled per reader)."""
        missing = [self._papers[pid] for pid in paper_ids if (language, pid) not in self._contexts]
        if missing:
            summaries = summaries_of(self.session, missing, self.settings.llm_model, language)
            feedback = digest_email.placeholder(self.settings, "feedback_url")
            for paper in missing:
                self._contexts[language, paper.id] = digest_email.paper_context(
                    self.settings, paper, summaries.get(paper.id), feedback)
        return [self._contexts[language, pid] for pid in paper_ids]

    def sections(self, language: str, papers: Sequence[Pick],
                 topics: Sequence[str]) -> list[dict]:
        """The digest's sections for these picks: "Followed" first, then one per topic."""
        contexts = dict(zip([p.id for p in papers], self.contexts(language,
                                                                  [p.id for p in papers])))
        return digest_email.digest_sections(papers, contexts, topics)
