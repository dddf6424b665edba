"""`newsletter summarize`: JSON Lines of papers in, JSON Lines of structured summaries out.

Summaries are cached in the database like the pipeline's, so a re-run on the same input makes no
LLM call. Lines are read in batches: the summaries of a batch are made in parallel (up to
NEWSLETTER_LLM_CONCURRENCY calls at once), committed, and written out in input order.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from itertools import islice
from typing import IO

from sqlalchemy.orm import Session

from newsletter.services import Services
from newsletter.summarize.prompt import SummaryRequest
from newsletter.summarize.summaries import request_key, summarize_requests

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
    requests = {number: SummaryRequest(item["title"], str(item.get("abstract") or ""),
                                       list(item.get("categories") or []))
                for number, item in batch if isinstance(item, dict)}
    settings = services.settings
    summaries, _ = summarize_requests(session, list(requests.values()), services.summarizer,
                                      services.taxonomy, concurrency=settings.llm_concurrency,
                                      daily_budget_usd=settings.llm_daily_budget_usd)
    session.commit()
    for number, item in batch:
        if isinstance(item, ValueError):
            yield number, {"error": str(item)}
            continue
        summary = summaries[request_key(requests[number])]
        yield number, {"id": item.get("id"), **summary.fields, "model": summary.model,
                       "degraded": summary.degraded}
