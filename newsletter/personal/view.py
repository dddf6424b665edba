"""PaperView: the few fields of a paper that personalization reads, so it stays pure."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from newsletter.models import Paper


@dataclass(frozen=True)
class PaperView:
    """A paper as personalization sees it. `topics` are best first; `organization` is the lab
    a source credited (Hugging Face Daily Papers does), or None."""

    id: str
    title: str
    abstract: str = ""
    authors: tuple[str, ...] = ()
    organization: str | None = None
    topics: tuple[str, ...] = field(default=())

    @property
    def text(self) -> str:
        """Title and abstract, what keywords and the model read."""
        return f"{self.title}\n{self.abstract}"


def view_of(paper: Paper) -> PaperView:
    """The view of a stored paper; the organization is the first one any of its sources gave."""
    organization = next(
        (s.signals.get("organization") for s in paper.sources if s.signals.get("organization")),
        None,
    )
    return PaperView(
        id=paper.id,
        title=paper.title,
        abstract=paper.abstract or "",
        authors=tuple(paper.authors or ()),
        organization=organization,
        topics=tuple(paper.topic_names),
    )
