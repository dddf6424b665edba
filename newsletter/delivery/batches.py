"""Readers grouped by the digest they get, waiting for their batch; each digest rendered once.

Two readers get the same digest when they have the same picks (papers, with the reason line
each shows), topics (the sections and the footer's reason follow from them), language and
frequency. A group is handed out as soon as it holds `batch_size` readers, and the rest at the
end (`drain`), so at most ceil(readers / batch_size) + distinct digests batches are sent.

Readers of the rarer digests wait until the end, so a waiting reader is kept as two integers
(ledger row and subscriber id, 16 bytes) and their addresses are read again when their batch
leaves (`members`, one query for many batches): memory grows with the number of distinct
digests, not readers.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
from array import array
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import Future
from dataclasses import dataclass, field

from newsletter.config import Settings
from newsletter.delivery import digest_email
from newsletter.delivery.picks import Pick, Picker
from newsletter.delivery.rendering import RenderCache, Renderer
from newsletter.mail.batch import PersonalizedBatch, Recipient

BATCH_SIZE = 1000  # SendGrid's most personalizations per request

# Subscriber ids -> their (address, token secret); ids no longer found (the subscriber was
# erased) are left out.
Addresses = Callable[[Sequence[int]], Mapping[int, tuple[str, str]]]
# A batch's waiting readers: ledger row id, subscriber id, ledger row id, ...
Waiting = array


@dataclass(frozen=True)
class Digest:
    frequency: str
    language: str
    topics: tuple[str, ...]
    papers: tuple[Pick, ...]  # compared with their reasons: a reason is shown in the email
    # computed once: every reader's digest is hashed to find its group
    _hash: int = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        fields = (self.frequency, self.language, self.topics, self.papers)
        object.__setattr__(self, "_hash", hash(fields))

    def __hash__(self) -> int:
        return self._hash

    @classmethod
    def of(cls, reader, papers: list[Pick]) -> Digest:
        return cls(reader.frequency, reader.language, tuple(sorted(reader.topics or ())),
                   tuple(papers))

    @property
    def paper_ids(self) -> tuple[str, ...]:
        return tuple(paper.id for paper in self.papers)


@dataclass(frozen=True, slots=True)
class Member:
    delivery_id: int
    subscriber_id: int
    email: str
    token_secret: str  # signed into their links


class DigestGroups:
    def __init__(self, settings: Settings, date: dt.date, edition_id: int, shelf: Picker,
                 addresses: Addresses, batch_size: int = BATCH_SIZE,
                 renderings: RenderCache | None = None, renderer: Renderer | None = None):
        self.settings, self.date, self.edition_id, self.shelf = settings, date, edition_id, shelf
        self.addresses, self.batch_size = addresses, batch_size
        self.renderings = renderings if renderings is not None else RenderCache()
        self.renderer = renderer or Renderer(inline=math.inf)
        self._waiting: dict[Digest, Waiting] = {}

    def add(self, digest: Digest, delivery_id: int, subscriber_id: int
            ) -> tuple[Digest, Waiting] | None:
        """Queue a reader; return their digest's full batch when this one filled it."""
        waiting = self._waiting.get(digest)
        if waiting is None:
            waiting = self._waiting[digest] = array("q")
        waiting.append(delivery_id)
        waiting.append(subscriber_id)
        if len(waiting) < 2 * self.batch_size:
            return None
        return digest, self._waiting.pop(digest)

    def drain(self) -> Iterator[tuple[Digest, Waiting]]:
        """Every batch still waiting, emptying the queue."""
        while self._waiting:
            digest = next(iter(self._waiting))
            yield digest, self._waiting.pop(digest)

    def members(self, batches: Sequence[Waiting]) -> list[list[Member]]:
        """The readers of each of these batches with their addresses, read now in one query;
        erased subscribers left out."""
        emails = self.addresses([sid for waiting in batches for sid in waiting[1::2]])
        return [[Member(delivery_id, subscriber_id, *emails[subscriber_id])
                 for delivery_id, subscriber_id in zip(waiting[::2], waiting[1::2])
                 if subscriber_id in emails]
                for waiting in batches]

    def batch(self, digest: Digest, members: list[Member]) -> PendingBatch:
        """The digest's batch for these readers, each with their own links and ledger id; its
        rendering may still be under way."""
        recipients = [digest_email.digest_recipient(self.settings, subscriber_id=m.subscriber_id,
                                               secret=m.token_secret, email=m.email,
                                               delivery_id=m.delivery_id)
                      for m in members]
        return PendingBatch(self.renderings.get(digest, self._render), recipients)

    def _render(self, digest: Digest) -> Future[PersonalizedBatch]:
        # the sections are read here (the database is this thread's), the rendering is not
        sections = self.shelf.sections(digest.language, digest.papers, digest.topics)
        return self.renderer.submit(digest_email.digest_batch, self.settings, self.date,
                                    digest.frequency, digest.topics, sections, [],
                                    self.edition_id)


@dataclass(frozen=True)
class PendingBatch:
    """A batch whose shared part (`rendering`, without recipients) may still be rendering."""

    rendering: Future[PersonalizedBatch]
    recipients: list[Recipient]

    def result(self) -> PersonalizedBatch:
        """The batch, once rendered (waits for it)."""
        # The addresses come from the subscribers table, validated at signup and import.
        return dataclasses.replace(self.rendering.result(), recipients=self.recipients,
                                   addresses_checked=True)
