"""Readers grouped by the digest they get, waiting for their batch; each digest rendered once.

Two readers get the same digest when they have the same picks (papers, with the reason line
each shows), topics (the sections and the footer's reason follow from them), language and
frequency. A group is handed out as soon as it
holds `batch_size` readers, and the rest at the end (`drain`), so at most
ceil(readers / batch_size) + distinct digests batches are sent.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache

from newsletter import compose
from newsletter.config import Settings
from newsletter.mail.batch import PersonalizedBatch
from newsletter.shelf import Candidate, Shelf

BATCH_SIZE = 1000  # SendGrid's most personalizations per request
RENDERINGS_KEPT = 64  # the busiest digests are sent in many batches; keep them rendered


@dataclass(frozen=True)
class Digest:
    frequency: str
    language: str
    topics: tuple[str, ...]
    papers: tuple[Candidate, ...]  # compared with their reasons: a reason is shown in the email

    @classmethod
    def of(cls, reader, papers: list[Candidate]) -> Digest:
        return cls(reader.frequency, reader.language, tuple(sorted(reader.topics or ())),
                   tuple(papers))

    @property
    def paper_ids(self) -> tuple[str, ...]:
        return tuple(paper.id for paper in self.papers)


@dataclass(frozen=True)
class Member:
    delivery_id: int
    subscriber_id: int
    email: str


class DigestGroups:
    def __init__(self, settings: Settings, date: dt.date, edition_id: int, shelf: Shelf,
                 batch_size: int = BATCH_SIZE):
        self.settings, self.date, self.edition_id, self.shelf = settings, date, edition_id, shelf
        self.batch_size = batch_size
        self._waiting: dict[Digest, list[Member]] = {}
        self._render = lru_cache(maxsize=RENDERINGS_KEPT)(self._render_once)

    def add(self, digest: Digest, member: Member) -> tuple[Digest, list[Member]] | None:
        """Queue a reader; return their digest's full batch when this one filled it."""
        members = self._waiting.setdefault(digest, [])
        members.append(member)
        if len(members) < self.batch_size:
            return None
        return digest, self._waiting.pop(digest)

    def drain(self) -> Iterator[tuple[Digest, list[Member]]]:
        """Every batch still waiting, emptying the queue."""
        while self._waiting:
            digest = next(iter(self._waiting))
            yield digest, self._waiting.pop(digest)

    def batch(self, digest: Digest, members: list[Member]) -> PersonalizedBatch:
        """The digest's batch for these readers, each with their own links and ledger id."""
        recipients = [compose.digest_recipient(self.settings, m.subscriber_id, m.email,
                                               m.delivery_id) for m in members]
        # The addresses come from the subscribers table, validated at signup and import.
        return dataclasses.replace(self._render(digest), recipients=recipients,
                                   addresses_checked=True)

    def _render_once(self, digest: Digest) -> PersonalizedBatch:
        sections = self.shelf.sections(digest.language, digest.papers, digest.topics)
        return compose.digest_batch(self.settings, self.date, digest.frequency, digest.topics,
                                    sections, [], self.edition_id)
