"""Readers queued by the digest they get, until their batch is full.

A digest's readers are handed out as soon as `batch_size` of them wait, and the rest at the end
(`drain`), so at most ceil(readers / batch_size) + distinct digests batches are sent.

Readers of the rarer digests wait until the end, so a waiting reader is kept as two integers
(`WaitingReaders`) and their addresses are read again when their batch leaves (`members`, one
query for many batches): memory grows with the number of distinct digests, not readers.
"""

from __future__ import annotations

from array import array
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass

from newsletter.delivery.digest import Digest

BATCH_SIZE = 1000  # SendGrid's most personalizations per request

# Subscriber ids -> their (address, token secret); ids no longer found (the subscriber was
# erased) are left out.
Addresses = Callable[[Sequence[int]], Mapping[int, tuple[str, str]]]


class WaitingReaders:
    """The readers of one digest waiting for their batch, as (delivery id, subscriber id) pairs
    packed in one array of 64-bit integers (16 bytes a reader): the rarer digests wait until
    the end of a run, and a million readers must not be a million objects."""

    __slots__ = ("_ids",)

    def __init__(self) -> None:
        self._ids = array("q")  # delivery id, subscriber id, delivery id, ...

    def add(self, delivery_id: int, subscriber_id: int) -> None:
        self._ids.append(delivery_id)
        self._ids.append(subscriber_id)

    def __len__(self) -> int:
        """How many readers wait (not integers)."""
        return len(self._ids) // 2

    def __iter__(self) -> Iterator[tuple[int, int]]:
        """Each reader's (delivery id, subscriber id), in the order they were added."""
        return zip(self._ids[::2], self._ids[1::2])

    def subscriber_ids(self) -> Sequence[int]:
        """The readers' subscriber ids, in the order they were added."""
        return self._ids[1::2]


@dataclass(frozen=True, slots=True)
class Member:
    delivery_id: int
    subscriber_id: int
    email: str
    token_secret: str  # signed into their links


class ReaderQueue:
    """Readers queued by digest; `addresses` reads their addresses when their batch leaves."""

    def __init__(self, addresses: Addresses, batch_size: int = BATCH_SIZE):
        self.addresses, self.batch_size = addresses, batch_size
        self._waiting: dict[Digest, WaitingReaders] = {}

    def add(self, digest: Digest, delivery_id: int, subscriber_id: int
            ) -> tuple[Digest, WaitingReaders] | None:
        """Queue a reader; return their digest's full batch when this one filled it."""
        waiting = self._waiting.get(digest)
        if waiting is None:
            waiting = self._waiting[digest] = WaitingReaders()
        waiting.add(delivery_id, subscriber_id)
        if len(waiting) < self.batch_size:
            return None
        return digest, self._waiting.pop(digest)

    def drain(self) -> Iterator[tuple[Digest, WaitingReaders]]:
        """Every batch still waiting, emptying the queue."""
        while self._waiting:
            digest = next(iter(self._waiting))
            yield digest, self._waiting.pop(digest)

    def members(self, batches: Sequence[WaitingReaders]) -> list[list[Member]]:
        """The readers of each of these batches with their addresses, read now in one query;
        erased subscribers left out."""
        emails = self.addresses([sid for waiting in batches for sid in waiting.subscriber_ids()])
        return [[Member(delivery_id, subscriber_id, *emails[subscriber_id])
                 for delivery_id, subscriber_id in waiting if subscriber_id in emails]
                for waiting in batches]

