"""`newsletter summarize`: JSON Lines of papers in, JSON Lines of structured summaries out.

Summaries are cached in the database like the pipeline's, so a re-run on the same input makes no
LLM call.
"""

from __future__ import annotations

import json
from typing import IO, Iterator

from sqlalchemy.orm import Session

from newsletter.llm.prompt import SummaryRequest
from newsletter.summaries import summarize_text
from newsletter.wiring import Services


def read_paper(line: str) -> dict:
    """One input line as {"id", "title", "abstract"}; ValueError says what is wrong."""
    try:
        item = json.loads(line)
    except json.JSONDecodeError as error:
        raise ValueError(f"not JSON ({error})") from None
    if not isinstance(item, dict) or not isinstance(item.get("title"), str):
        raise ValueError('expected an object with "id", "title" and "abstract"')
    return item


def summarize_lines(session: Session, lines: IO[str],
                    services: Services) -> Iterator[tuple[int, dict]]:
    """Yield (line number, output object) per non-blank input line; bad lines yield {"error"}."""
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            item = read_paper(line)
        except ValueError as error:
            yield number, {"error": str(error)}
            continue
        request = SummaryRequest(item["title"], str(item.get("abstract") or ""),
                                 list(item.get("categories") or []))
        summary, _ = summarize_text(session, request, services.summarizer, services.taxonomy)
        session.commit()  # each answer is kept even if a later line fails
        yield number, {"id": item.get("id"), **summary.fields, "model": summary.model,
                       "degraded": summary.degraded}
