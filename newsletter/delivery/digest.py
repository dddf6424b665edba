"""What a digest (one reader's email for one edition) holds: its picks, and the choices that
shape the email around them. Plain values, so nothing reloads after a commit.

Readers whose digests are equal get one rendering and share batches: a run hashes every reader's
digest to find its queue, and with it the picks, so both are hashed once, when made.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, fields


@dataclass(frozen=True)
class _HashedOnce:
    """A frozen dataclass compared by its compared fields and hashed once, by them, when made.
    Subclasses are frozen dataclasses declared with `eq=False`, so they keep these methods."""

    _hash: int = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_hash", hash(self._compared()))

    def _compared(self) -> tuple:
        return tuple(getattr(self, f.name) for f in fields(self) if f.compare)

    def __eq__(self, other: object) -> bool:
        if type(other) is not type(self):
            return NotImplemented
        return self._hash == other._hash and self._compared() == other._compared()

    def __hash__(self) -> int:
        return self._hash


@dataclass(frozen=True, eq=False)
class Pick(_HashedOnce):
    """A paper chosen for one reader. `reason` is the line shown under it; `followed` puts it
    in the "Followed" section. Two readers' digests are the same only when their picks are
    equal, reasons included."""

    id: str
    topic_names: tuple[str, ...]
    reason: str = ""
    followed: bool = False


class Picks(list):
    """A reader's picks, best first, and `more`: how many more papers of their topics their
    limit left out (the digest says so, with a link to the archive)."""

    def __init__(self, picks: Iterable[Pick] = (), more: int = 0):
        super().__init__(picks)
        self.more = more


@dataclass(frozen=True, eq=False)
class Digest(_HashedOnce):
    """The content of a digest: equal for readers with the same picks, topics (the sections and
    the footer's reason follow from them), language, frequency and count of papers left out."""

    frequency: str
    language: str
    topics: tuple[str, ...]
    papers: tuple[Pick, ...]  # compared with their reasons: a reason is shown in the email
    more: int = 0  # papers of the reader's topics past their limit

    @classmethod
    def of(cls, reader, papers: Sequence[Pick]) -> Digest:
        """The digest of `reader` (anything with frequency, language and topics) for these
        picks (`Picks` carry how many more papers matched)."""
        more = papers.more if isinstance(papers, Picks) else 0
        return cls(reader.frequency, reader.language, tuple(sorted(reader.topics or ())),
                   tuple(papers), more)

    @property
    def paper_ids(self) -> tuple[str, ...]:
        return tuple(paper.id for paper in self.papers)
