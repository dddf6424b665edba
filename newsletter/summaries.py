"""Summaries and topic tags of papers, kept in the database so that no summary is made twice.

A summary is cached per (text, requested model, prompt version, language). A degraded one
(the offline fallback answered for a failed model) is made again on a later run, so it is upgraded
once the model answers.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from typing import Protocol

from sqlalchemy import select
from sqlalchemy.orm import Session

from newsletter.llm.prompt import PROMPT_VERSION, SummaryRequest
from newsletter.models import Paper, PaperTopic, Summary
from newsletter.topics import Taxonomy, tag


class Summarizer(Protocol):
    model: str

    def summarize(self, request: SummaryRequest, topic_names: list[str]):
        """Return an object with fields, model, degraded, prompt_tokens, completion_tokens,
        cost_usd."""
        ...


def content_hash(title: str, abstract: str) -> str:
    """What a summary depends on: the title and the abstract."""
    return hashlib.sha256(f"{title}\n{abstract}".encode()).hexdigest()


def paper_hash(paper: Paper) -> str:
    return content_hash(paper.title, paper.abstract)


def cached_summary(session: Session, text_hash: str, model: str, language: str) -> Summary | None:
    return session.scalar(
        select(Summary).where(
            Summary.content_hash == text_hash,
            Summary.requested_model == model,
            Summary.prompt_version == PROMPT_VERSION,
            Summary.language == language,
        )
    )


def summarize_text(session: Session, request: SummaryRequest, summarizer: Summarizer,
                   taxonomy: Taxonomy) -> tuple[Summary, str]:
    """The summary of one text, made only when not cached (or cached degraded).
    Returns (summary, "cached" | "made" | "degraded")."""
    text_hash = content_hash(request.title, request.abstract)
    summary = cached_summary(session, text_hash, summarizer.model, request.language)
    if summary is not None and not summary.degraded:
        return summary, "cached"
    result = summarizer.summarize(request, taxonomy.names())
    if summary is None:
        summary = Summary(content_hash=text_hash, requested_model=summarizer.model,
                          prompt_version=PROMPT_VERSION, language=request.language)
        session.add(summary)
    summary.model, summary.fields, summary.degraded = result.model, result.fields, result.degraded
    summary.prompt_tokens = result.prompt_tokens
    summary.completion_tokens = result.completion_tokens
    summary.cost_usd = result.cost_usd
    session.flush()
    return summary, "degraded" if result.degraded else "made"


def tag_paper(paper: Paper, summary: Summary | None, taxonomy: Taxonomy) -> list[str]:
    """Set the paper's topics: the summary's (chosen from the taxonomy), else the offline tagger's."""
    names = list((summary.fields.get("topics") if summary else None) or [])
    names = names or tag(paper.title, paper.abstract, list(paper.categories), taxonomy)
    paper.topics = [PaperTopic(topic=name, rank=rank) for rank, name in enumerate(names)]
    return names


def summarize_and_tag(session: Session, paper_ids: list[str], summarizer: Summarizer,
                      taxonomy: Taxonomy, languages: list[str] = ("en",)) -> Counter:
    """Summarize (in every language asked for) and tag each paper; count made/cached/degraded."""
    counts: Counter = Counter()
    for paper_id in dict.fromkeys(paper_ids):
        paper = session.get(Paper, paper_id)
        english = None
        for language in dict.fromkeys(["en", *languages]):
            request = SummaryRequest(paper.title, paper.abstract, list(paper.categories),
                                     language)
            summary, outcome = summarize_text(session, request, summarizer, taxonomy)
            counts[outcome] += 1
            english = english or summary
        tag_paper(paper, english, taxonomy)
    session.flush()
    return counts
