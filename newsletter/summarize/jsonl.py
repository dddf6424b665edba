"""`newsletter summarize`: JSON Lines of papers in, JSON Lines of structured summaries out.

Summaries are cached in the database like the pipeline's, so a re-run on the same input makes no
LLM call. Lines are read in batches: the summaries of a batch are made in parallel (up to
NEWSLETTER_LLM_CONCURRENCY calls at once), committed, and written out in input order.

A line's text is cleaned as ingest cleans a source's (TeX, markdown), so that a stored paper and
the same paper given on a line share one summary; stored papers whose summary a batch made are
indexed again for search, which then finds them by their summary's words. A line may carry
Hugging Face's `ai_summary` and `ai_keywords`, as the Daily Papers API gives them: where no
language model wrote the summary, they are its TL;DR (credited in a `tldr_credit` field) and
part of what its topics are tagged from, as for an ingested paper (newsletter.editions.cards).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from itertools import islice
from typing import IO

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from newsletter.editions.cards import HF_TLDR_CREDIT
from newsletter.ingest.papers import normalize_title
from newsletter.models import Paper, Summary
from newsletter.search import index as search_index
from newsletter.services import Services
from newsletter.summarize.prompt import SummaryRequest
from newsletter.summarize.summaries import (
    paper_hash,
    request_key,
    summarize_requests,
    written_offline,
)
from newsletter.summarize.topics import Taxonomy, tag
from newsletter.text import clean_text

BATCHES_PER_WORKER = 4  # enough lines in flight to keep every worker busy


def read_paper(line: str) -> dict:
    """One input line as {"id", "title", "abstract"}; ValueError says what is wrong."""
    try:
        item = json.loads(line)
    except json.JSONDecodeError as error:
        raise ValueError(f"not JSON ({error})") from None
    if not isinstance(item, dict) or not isinstance(item.get("title"), str):
        raise ValueError('expected an object with "id", "title" and "abstract"')
    if not _is_id(item.get("id")):
        raise ValueError('no "id": every line needs one, to match its summary to the paper')
    return item


def _is_id(value: object) -> bool:
    """A non-empty string or an integer (not a boolean): what can name a line's paper."""
    if isinstance(value, str):
        return bool(value.strip())
    return isinstance(value, int) and not isinstance(value, bool)


def summarize_lines(session: Session, lines: IO[str],
                    services: Services) -> Iterator[tuple[int, dict]]:
    """Yield (line number, output object) per non-blank input line, in order; bad lines yield
    {"error"}. Each batch is committed before it is yielded, so answers are kept even if a later
    line fails."""
    parsed = _parsed(lines)
    size = services.settings.llm_concurrency * BATCHES_PER_WORKER
    while batch := list(islice(parsed, size)):
        yield from _summarize_batch(session, batch, services)


def _parsed(lines: IO[str]) -> Iterator[tuple[int, dict | ValueError]]:
    for number, line in enumerate(lines, start=1):
        if line.strip():
            try:
                yield number, read_paper(line)
            except ValueError as error:
                yield number, error


def _summarize_batch(session: Session, batch: list, services: Services):
    requests = {number: SummaryRequest(clean_text(item["title"]),
                                       clean_text(str(item.get("abstract") or "")),
                                       list(item.get("categories") or []))
                for number, item in batch if isinstance(item, dict)}
    settings = services.settings
    summaries, _ = summarize_requests(session, list(requests.values()), services.summarizer,
                                      services.taxonomy, concurrency=settings.llm_concurrency,
                                      daily_budget_usd=settings.llm_daily_budget_usd)
    items = [item for _, item in batch if isinstance(item, dict)]
    search_index.refresh(session, stored_papers(session, items, {key[0] for key in summaries}))
    session.commit()
    for number, item in batch:
        if isinstance(item, ValueError):
            yield number, {"error": str(item)}
            continue
        request = requests[number]
        summary = summaries[request_key(request)]
        yield number, {"id": item.get("id"), **shown(request, item, summary, services.taxonomy),
                       "model": summary.model, "degraded": summary.degraded}


def shown(request: SummaryRequest, item: dict, summary: Summary, taxonomy: Taxonomy) -> dict:
    """The summary's fields as a line's answer: where no language model wrote them, Hugging
    Face's one-line summary (if the line has one) is the TL;DR, and its keywords count in the
    topics, as for a stored paper (editions.cards, summaries.tag_paper). Only such a line gets
    one more field than INTERFACE.md names: `tldr_credit`, who wrote that TL;DR."""
    fields = dict(summary.fields)
    if not written_offline(summary):
        return fields
    keywords = [clean_text(word) for word in item.get("ai_keywords") or [] if isinstance(word, str)]
    if keywords:
        fields["topics"] = tag(request.title, request.abstract, request.categories, taxonomy,
                               keywords=keywords)
    if ai_summary := clean_text(str(item.get("ai_summary") or "")):
        fields["tldr"], fields["tldr_credit"] = ai_summary, HF_TLDR_CREDIT
    return fields


def stored_papers(session: Session, items: list[dict], hashes: set[str]) -> list[Paper]:
    """The stored papers that these lines name, by id or by title, and whose text is one of
    `hashes` (a summary just read or made for them)."""
    ids = [str(item["id"]) for item in items]
    titles = [normalize_title(clean_text(item["title"])) for item in items]
    named = session.scalars(select(Paper).where(or_(Paper.id.in_(ids),
                                                    Paper.title_key.in_(titles))))
    return [paper for paper in named if paper_hash(paper) in hashes]
