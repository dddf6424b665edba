"""The arXiv export API as a second way in: backfill a date range, and enrich the papers that
other sources (a lab's feed, Hugging Face) name only by arXiv id.

Both go through `ingest_pages`, so they are recorded in the health report like any source, and
the fetch layer keeps arXiv's 3 s between requests (HostPacer knows export.arxiv.org).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from functools import partial
from urllib.parse import urlencode

from sqlalchemy import select
from sqlalchemy.orm import Session

from newsletter.ingest.papers import ARXIV_KINDS
from newsletter.ingest.source import SourceReport, ingest_pages
from newsletter.models import Paper
from newsletter.sources import SourceSpec
from newsletter.sources.arxiv_api import API_URL, date_range_query, id_list_urls, query_urls
from newsletter.sources.fetch import fetch
from newsletter.sources.read import Fetcher

BACKFILL_PAGE = 200  # results a request: arXiv asks for modest pages
BACKFILL_MAX = 10_000  # results one backfill reads at most (the API stops at 30,000)


def backfill(
    session: Session,
    categories: Iterable[str],
    first: dt.date,
    last: dt.date,
    *,
    fetcher: Fetcher = fetch,
    base_url: str = API_URL,
    page_size: int = BACKFILL_PAGE,
) -> SourceReport:
    """Store the papers submitted from `first` to `last` in any of `categories`, `page_size`
    results a request, until a short page. New papers count as first seen when published, so a
    backfill of last month fills the archive without flooding today's edition."""
    query = date_range_query(categories, first, last)
    spec = SourceSpec("arxiv-api", f"{base_url}?{urlencode({'search_query': query})}")
    urls = query_urls(query, 0, BACKFILL_MAX, page_size=page_size, base_url=base_url)
    return ingest_pages(session, spec, urls, fetcher=fetcher, page_size=page_size, backdate=True)


def lacking_metadata(session: Session, paper_ids: Iterable[str]) -> list[str]:
    """The arXiv papers among `paper_ids` that no arXiv source has described yet (we know them
    from a blog or Hugging Face only: no categories, maybe a blog's title): enrich's input."""
    query = select(Paper).where(Paper.id.in_(set(paper_ids)), Paper.id.not_like("web:%"))
    return sorted(
        paper.id
        for paper in session.scalars(query)
        if not any(source.source_kind in ARXIV_KINDS for source in paper.sources)
    )


def enrich(
    session: Session, arxiv_ids: Iterable[str], *, fetcher: Fetcher = fetch, base_url: str = API_URL,
    deadline: float = 60.0,
) -> SourceReport:
    """Fetch these papers from the export API (100 ids a request) and merge what it says: arXiv's
    title, abstract, authors and categories replace a blog's on the first arXiv record.
    Best-effort: an API that does not resolve, refuses or does not connect is given up at the
    first attempt (fetch's give_up_unreachable), one that answers too slowly at `deadline`
    seconds for all its pages (a run waits for it before building the edition), and the report
    carries the error."""
    spec = SourceSpec("arxiv-api", base_url)
    urls = id_list_urls(arxiv_ids, base_url=base_url)
    if not urls:
        return SourceReport(kind=spec.kind, url=spec.url)
    return ingest_pages(session, spec, urls, fetcher=partial(fetcher, give_up_unreachable=True),
                        deadline=deadline)
