"""Read a whole source: one conditional GET, or every page of a paged API, then parse.

The one place in the sources layer that joins `fetch` (I/O) to the parsers (pure). An `hf` source
on http(s) without its own page number (`p`) is the Daily Papers API: its pages are followed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from urllib.parse import parse_qs, urlsplit

from newsletter.sources import SourceSpec, hf, parse
from newsletter.sources.fetch import Deadline, FetchResult, fetch
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
    deadline: Deadline | None = None,
) -> SourceRead:
    """Fetch and parse one source, all its requests within `deadline`. A single-URL source is
    fetched conditionally (a 304 gives not_modified and parses nothing); the Daily Papers API
    is read page by page for `date` (None, or a date in the URL's own query, leaves the API's
    choice: its latest day).

    Raises FetchError or ParseError (from any page): the caller stores nothing then.
    """
    if _is_paged(spec):
        query = parse_qs(urlsplit(spec.url).query)
        day = None if "date" in query else date
        return read_pages(spec.kind, hf.page_urls(spec.url, day), fetcher=fetcher,
                          page_size=hf.PAGE_SIZE, deadline=deadline)
    result = fetcher(spec.url, etag=etag, last_modified=last_modified, deadline=deadline)
    if result.not_modified:
        return SourceRead([], result.etag, result.last_modified, not_modified=True)
    return SourceRead(parse(spec.kind, result.content), result.etag, result.last_modified)


def read_pages(
    kind: str, urls: Iterable[str], *, fetcher: Fetcher = fetch, page_size: int | None = None,
    deadline: Deadline | None = None,
) -> SourceRead:
    """The records of successive pages, each paper once (the first page that names it wins).

    Stops after a page with fewer than `page_size` records (the last one); with None, reads
    every URL (e.g. batches of ids, where a short page is normal). Paged reads are never
    conditional: the validators of one page say nothing about the others.
    """
    records: dict[str, PaperRecord] = {}
    for url in urls:
        page = parse(kind, fetcher(url, deadline=deadline).content or b"")
        for record in page:
            records.setdefault(record.external_id, record)
        if page_size is not None and len(page) < page_size:
            break
    return SourceRead(list(records.values()))


@dataclass
class Attempt:
    """One read of a source, done outside any database transaction: when it started, and what
    it gave or the error it raised."""

    started: dt.datetime
    read: SourceRead | None = None
    error: Exception | None = None

    @classmethod
    def of(cls, read: Callable[[], SourceRead]) -> Attempt:
        attempt = cls(dt.datetime.now(dt.UTC).replace(tzinfo=None))
        try:
            attempt.read = read()
        except Exception as error:  # noqa: BLE001 (one bad source must never stop the others)
            attempt.error = error
        return attempt


def read_concurrently(specs: Sequence[SourceSpec], read: Callable[[SourceSpec], SourceRead],
                      at_once: int) -> Iterator[tuple[SourceSpec, Attempt]]:
    """Read every source, `at_once` at a time on threads of their own, and yield each with its
    Attempt as it ends: a slow source holds up its own thread only (each `read` keeps its own
    deadline), the others are stored meanwhile."""
    with ThreadPoolExecutor(max_workers=max(1, at_once), thread_name_prefix="fetch") as pool:
        futures = {pool.submit(Attempt.of, lambda spec=spec: read(spec)): spec for spec in specs}
        for future in as_completed(futures):
            yield futures[future], future.result()


def _is_paged(spec: SourceSpec) -> bool:
    parts = urlsplit(spec.url)
    return (
        spec.kind == "hf" and parts.scheme in ("http", "https") and "p" not in parse_qs(parts.query)
    )
