"""Read a whole source: one conditional GET, or every page of a paged API, then parse.

The one place in the sources layer that joins `fetch` (I/O) to the parsers (pure). An `hf` source
on http(s) without its own page number (`p`) is the Daily Papers API: its pages are followed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from urllib.parse import parse_qs, urlsplit

from newsletter.sources import SourceSpec, hf, parse
from newsletter.sources.fetch import FetchResult, fetch
from newsletter.sources.records import PaperRecord

Fetcher = Callable[..., FetchResult]


@dataclass
class SourceRead:
    """What reading a source gave: its records, and the validators to send next time."""

    records: list[PaperRecord] = field(default_factory=list)
    etag: str | None = None
    last_modified: str | None = None
    not_modified: bool = False


def read_source(
    spec: SourceSpec,
    *,
    fetcher: Fetcher = fetch,
    etag: str | None = None,
    last_modified: str | None = None,
    date: dt.date | None = None,
) -> SourceRead:
    """Fetch and parse one source. A single-URL source is fetched conditionally (a 304 gives
    not_modified and parses nothing); the Daily Papers API is read page by page for `date`
    (None, or a date in the URL's own query, leaves the API's choice: its latest day).

    Raises FetchError or ParseError (from any page): the caller stores nothing then.
    """
    if _is_paged(spec):
        query = parse_qs(urlsplit(spec.url).query)
        day = None if "date" in query else date
        return read_pages(
            spec.kind, hf.page_urls(spec.url, day), fetcher=fetcher, page_size=hf.PAGE_SIZE
        )
    result = fetcher(spec.url, etag=etag, last_modified=last_modified)
    if result.not_modified:
        return SourceRead([], result.etag, result.last_modified, not_modified=True)
    return SourceRead(parse(spec.kind, result.content), result.etag, result.last_modified)


def read_pages(
    kind: str, urls: Iterable[str], *, fetcher: Fetcher = fetch, page_size: int | None = None
) -> SourceRead:
    """The records of successive pages, each paper once (the first page that names it wins).

    Stops after a page with fewer than `page_size` records (the last one); with None, reads
    every URL (e.g. batches of ids, where a short page is normal). Paged reads are never
    conditional: the validators of one page say nothing about the others.
    """
    records: dict[str, PaperRecord] = {}
    for url in urls:
        page = parse(kind, fetcher(url).content or b"")
        for record in page:
            records.setdefault(record.external_id, record)
        if page_size is not None and len(page) < page_size:
            break
    return SourceRead(list(records.values()))


def _is_paged(spec: SourceSpec) -> bool:
    parts = urlsplit(spec.url)
    return (
        spec.kind == "hf" and parts.scheme in ("http", "https") and "p" not in parse_qs(parts.query)
    )
