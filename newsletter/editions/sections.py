"""An edition's papers grouped by topic: each paper once, under its first chosen topic."""

from __future__ import annotations

from dataclasses import dataclass

from newsletter.models import (
    Paper,
)

OTHER_TOPIC = "Other"


@dataclass
class Section:
    topic: str
    papers: list[Paper]


def group_by_topic(papers: list, chosen_topics: list[str]) -> list[Section]:
    """Each paper once, under its first topic that the subscriber chose (any topic when they chose
    none); sections in the order of their best paper, "Other" (papers of no such topic) last."""
    chosen = set(chosen_topics or [])
    sections: dict[str, Section] = {}
    for paper in papers:
        topic = next((t for t in paper.topic_names if not chosen or t in chosen), OTHER_TOPIC)
        sections.setdefault(topic, Section(topic, [])).papers.append(paper)
    other = sections.pop(OTHER_TOPIC, None)
    return [*sections.values(), *([other] if other else [])]
