"""The arXiv export API (https://export.arxiv.org/api/query): Atom responses and paged queries.

Each entry has <id>http://arxiv.org/abs/ID vN</id>, title, summary, <author><name>,
<arxiv:primary_category term>, <category term>..., optional <arxiv:doi> and <arxiv:journal_ref>,
and links (alternate = abstract page, title="pdf"). A failed query is still a 200 Atom feed whose
single entry has an id under http://arxiv.org/api/errors and the message as its summary.
The API asks for 3 s between requests: that is the fetch layer's per-host interval.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from urllib.parse import urlencode

from newsletter.sources.feedxml import clean, entry_authors, entry_published, entry_tags, load_feed
from newsletter.sources.ids import arxiv_links, id_in_link
from newsletter.sources.records import PaperRecord, ParseError
from newsletter.text import tex_to_text

API_URL = "https://export.arxiv.org/api/query"
# The API serves at most 2,000 results a request and prefers smaller pages.
MAX_PAGE = 2000


def parse(data: bytes) -> list[PaperRecord]:
    """Records of one API response page. Raises ParseError on a bad feed or an API error entry."""
    return [_record(entry) for entry in load_feed(data).entries]


def query_urls(
    search_query: str,
    start: int = 0,
    max_results: int = 100,
    *,
    page_size: int = 100,
    base_url: str = API_URL,
    sort_by: str = "submittedDate",
    sort_order: str = "descending",
) -> list[str]:
    """URLs of the pages that together cover results [start, start + max_results).

    e.g. query_urls("cat:cs.LG", 0, 250) gives three pages of 100, 100 and 50 results.
    """
    if not 0 < page_size <= MAX_PAGE or start < 0 or max_results < 0:
        raise ValueError(f"bad paging: start={start} max_results={max_results} page={page_size}")
    urls = []
    for offset in range(start, start + max_results, page_size):
        count = min(page_size, start + max_results - offset)
        query = {
            "search_query": search_query,
            "start": offset,
            "max_results": count,
            "sortBy": sort_by,
            "sortOrder": sort_order,
        }
        urls.append(f"{base_url}?{urlencode(query)}")
    return urls


def id_list_urls(
    arxiv_ids: Iterable[str], *, base_url: str = API_URL, chunk: int = 100
) -> list[str]:
    """URLs that together ask for these papers by id, `chunk` ids a request, each id once."""
    ids = list(dict.fromkeys(arxiv_ids))
    batches = [ids[start : start + chunk] for start in range(0, len(ids), chunk)]
    return [
        f"{base_url}?{urlencode({'id_list': ','.join(batch), 'max_results': len(batch)})}"
        for batch in batches
    ]


def date_range_query(categories: Iterable[str], first: dt.date, last: dt.date) -> str:
    """The search_query for papers submitted from `first` to `last` (whole days, in GMT as the
    API counts them) in any of `categories`, e.g.
    "(cat:cs.LG OR cat:cs.AI) AND submittedDate:[202611010000 TO 202611072359]"."""
    terms = [f"cat:{category}" for category in categories]
    if not terms or last < first:
        raise ValueError(f"no category, or {last} is before {first}")
    either = terms[0] if len(terms) == 1 else f"({' OR '.join(terms)})"
    return f"{either} AND submittedDate:[{first:%Y%m%d}0000 TO {last:%Y%m%d}2359]"


def _record(entry: dict) -> PaperRecord:
    entry_id = entry.get("id", "")
    if "/api/errors" in entry_id:
        raise ParseError(f"arXiv API error: {clean(entry.get('summary')) or entry_id}")
    found = id_in_link(entry_id)
    if found is None:
        raise ParseError(f"arXiv API entry {entry_id!r} has no arXiv id")
    arxiv_id, version = found
    return PaperRecord(
        external_id=arxiv_id,
        title=clean(entry.get("title")),
        abstract=clean(entry.get("summary")),
        arxiv_id=arxiv_id,
        version=version,
        authors=[tex_to_text(name) for name in entry_authors(entry)],
        categories=_categories(entry),
        # Canonical versionless https links rather than the entry's versioned http ones.
        links=arxiv_links(arxiv_id),
        published=entry_published(entry),
        doi=clean(entry.get("arxiv_doi")) or None,
        journal_ref=clean(entry.get("arxiv_journal_ref")) or None,
    )


def _categories(entry: dict) -> list[str]:
    """The primary category first, then the others in the entry's order, without repeats."""
    primary = (entry.get("arxiv_primary_category") or {}).get("term")
    terms = [primary] + entry_tags(entry)
    return list(dict.fromkeys(term for term in terms if term))
