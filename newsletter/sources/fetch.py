"""The only HTTP in the sources layer: one polite, bounded, conditional GET, with retries.

Parsers never fetch (feedparser has no timeout); `fetch` returns bytes that a parser then reads.
`file://` URLs are read from disk, so recorded feeds and the bundled samples work offline.
"""

from __future__ import annotations

import functools
import socket
import ssl
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit
from urllib.request import url2pathname

import httpx

from newsletter.outside_calls import (
    SERVER_ERRORS,
    Buckets,
    RetryPolicy,
    Transient,
    call_with_retries,
    retry_after,
)

USER_AGENT = "paper-newsletter/0.1 (+https://github.com/paper-newsletter)"
BACKOFF_BASE = 2.0  # seconds before the first retry; doubled at each further one
MAX_WAIT = 60.0  # no Retry-After or backoff makes a run wait longer than this per retry
# arXiv asks for 3 s between API calls; everything else gets a gentler 1 s.
HOST_INTERVALS = {"export.arxiv.org": 3.0}
CONNECT_TIMEOUT = 10.0  # seconds to connect, at most
# A best-effort fetch (give_up_unreachable) connects within this or gives up: a host that is
# up answers a SYN in well under a second.
BEST_EFFORT_CONNECT_TIMEOUT = 3.0


@functools.cache
def _tls_context() -> ssl.SSLContext:
    """The verifying TLS context every fetch shares (it is thread-safe): loading the certificate
    store costs tens of milliseconds of CPU, which a new context per source would pay each time
    while the other sources' threads wait for the GIL."""
    return httpx.create_ssl_context()


@dataclass
class FetchResult:
    """What one GET gave: `content` is None when the server said 304 Not Modified."""

    url: str
    status: int
    content: bytes | None
    etag: str | None = None
    last_modified: str | None = None
    not_modified: bool = False


class FetchError(Exception):
    """The URL could not be fetched (after the retries, when the failure was transient)."""

    def __init__(self, url: str, reason: str):
        super().__init__(f"{url}: {reason}")
        self.url = url
        self.reason = reason


@dataclass(frozen=True)
class Deadline:
    """When a whole download (every request, retry and wait of one source) must be done."""

    seconds: float
    end: float

    @classmethod
    def after(cls, seconds: float) -> Deadline:
        return cls(seconds, time.monotonic() + seconds)

    def remaining(self) -> float:
        return self.end - time.monotonic()

    def check(self, url: str) -> None:
        """Raise FetchError once the deadline has passed."""
        if self.remaining() <= 0:
            raise FetchError(url, f"not downloaded within its deadline of {self.seconds:g} s")


class HostPacer:
    """Keeps at least an interval (per host, or the default) between requests to one host: a
    token bucket of one token per host. Thread-safe; callers sleep outside every lock."""

    def __init__(
        self,
        interval: float = 1.0,
        per_host: dict[str, float] | None = None,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ):
        intervals = dict(HOST_INTERVALS if per_host is None else per_host)
        self._buckets = Buckets(lambda host: _rate(intervals.get(host, interval)), clock=clock)
        self._sleep = sleep

    def wait(self, host: str) -> None:
        """Return once a request to `host` may start."""
        self._buckets.wait(host, self._sleep)


def _rate(interval: float) -> float | None:
    return 1 / interval if interval > 0 else None


DEFAULT_PACER = HostPacer()


class _Transient(Exception):
    """A failure worth retrying, as fetch reads it."""

    def __init__(self, transient: Transient):
        super().__init__(transient.reason)
        self.transient = transient


def fetch(
    url: str,
    *,
    etag: str | None = None,
    last_modified: str | None = None,
    client: httpx.Client | None = None,
    timeout: float = 20.0,
    max_bytes: int = 20_000_000,
    retries: int = 3,
    pacer: HostPacer | None = None,
    sleep: Callable[[float], None] = time.sleep,
    deadline: Deadline | None = None,
    give_up_unreachable: bool = False,
) -> FetchResult:
    """GET `url` (http, https or file) and return its body.

    `etag`/`last_modified` from a previous result make the request conditional (a 304 gives
    not_modified=True, content None). 429, 5xx, timeouts and connection failures are retried
    `retries` times (outside_calls), waiting Retry-After or an exponential backoff (at most
    MAX_WAIT). A body past
    `max_bytes` is aborted. With a `deadline`, the download is given up once it has passed:
    `timeout` bounds each read, so a server that sends a byte every few seconds would otherwise
    hold it for ever (it ends at most one read after the deadline, the reads being capped to
    the time left). With `give_up_unreachable` (a best-effort call, such as the enrichment),
    a host name that does not resolve, a refused connection or a connect that takes longer than
    BEST_EFFORT_CONNECT_TIMEOUT ends the fetch at the first attempt: retrying would only hold
    up the run. Raises FetchError on a final failure.
    """
    parts = urlsplit(url)
    if parts.scheme == "file":
        return _read_file(url, max_bytes)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise FetchError(url, "only http, https and file URLs can be fetched")
    request = _Request(url, etag, last_modified, timeout, max_bytes, deadline,
                       give_up_unreachable)
    own_client = client is None
    client = client or httpx.Client(follow_redirects=True, verify=_tls_context())
    try:
        return _get_with_retries(client, request, retries, pacer or DEFAULT_PACER, sleep)
    finally:
        if own_client:
            client.close()


@dataclass
class _Request:
    url: str
    etag: str | None
    last_modified: str | None
    read_timeout: float
    max_bytes: int
    deadline: Deadline | None
    give_up_unreachable: bool = False

    def timeout(self) -> httpx.Timeout:
        """A slow connect fails fast; each read waits `read_timeout`, or what is left of the
        deadline when less."""
        seconds = self.read_timeout
        if self.deadline is not None:
            self.deadline.check(self.url)
            seconds = min(seconds, self.deadline.remaining())
        connect = BEST_EFFORT_CONNECT_TIMEOUT if self.give_up_unreachable else CONNECT_TIMEOUT
        return httpx.Timeout(seconds, connect=min(seconds, connect))

    def time_left(self) -> float:
        return float("inf") if self.deadline is None else self.deadline.remaining()

    def headers(self) -> dict[str, str]:
        headers = {"User-Agent": USER_AGENT}
        if self.etag:
            headers["If-None-Match"] = self.etag
        if self.last_modified:
            headers["If-Modified-Since"] = self.last_modified
        return headers


def _get_with_retries(
    client: httpx.Client, request: _Request, retries: int, pacer: HostPacer, sleep: Callable
) -> FetchResult:
    """`_get`, paced before each try; a long Retry-After is waited MAX_WAIT at most."""
    policy = RetryPolicy(attempts=retries + 1, base_delay=BACKOFF_BASE, max_delay=MAX_WAIT,
                         max_retry_after=MAX_WAIT, cap_retry_after=True)

    def paced_get() -> FetchResult:
        pacer.wait(urlsplit(request.url).hostname or "")
        return _get(client, request)

    def within_deadline(problem: Transient, wait: float) -> None:
        if wait >= request.time_left():
            reason = f"{problem.reason}; no time left to retry within the deadline"
            raise FetchError(request.url, reason)

    try:
        return call_with_retries(paced_get, policy, _transient, sleep=sleep,
                                 before_wait=within_deadline, what=f"fetch {request.url}")
    except _Transient as problem:
        reason = f"{problem.transient.reason} (gave up after {policy.attempts} attempts)"
        raise FetchError(request.url, reason) from None


def _transient(error: Exception) -> Transient | None:
    return error.transient if isinstance(error, _Transient) else None


def _get(client: httpx.Client, request: _Request) -> FetchResult:
    """One attempt. Raises _Transient for what a retry may fix, FetchError for what it cannot."""
    headers = request.headers()
    try:
        with client.stream(
            "GET", request.url, headers=headers, timeout=request.timeout()
        ) as response:
            return _result(response, request)
    except httpx.TimeoutException as error:
        if request.deadline is not None:
            request.deadline.check(request.url)  # the last read ran out of the deadline
        reason = f"timed out ({type(error).__name__})"
        if request.give_up_unreachable and isinstance(error, httpx.ConnectTimeout):
            raise FetchError(request.url, f"unreachable: {reason}") from error
        raise _Transient(Transient(reason)) from error
    except httpx.TransportError as error:
        reason = f"connection failed ({type(error).__name__}: {error})"
        if request.give_up_unreachable and _unreachable(error):
            raise FetchError(request.url, f"unreachable: {reason}") from error
        raise _Transient(Transient(reason)) from error
    except httpx.HTTPError as error:  # too many redirects, a body that fails to decompress
        raise FetchError(request.url, f"{type(error).__name__}: {error}") from error


def _unreachable(error: BaseException) -> bool:
    """Whether a connection failed because the name does not resolve or the host refused it
    (the OSError that httpx and httpcore wrap)."""
    while error is not None:
        if isinstance(error, (socket.gaierror, ConnectionRefusedError)):
            return True
        error = error.__cause__ or error.__context__
    return False


def _result(response: httpx.Response, request: _Request) -> FetchResult:
    status, headers = response.status_code, response.headers
    if status == 429 or status in SERVER_ERRORS:
        raise _Transient(Transient(f"HTTP {status}", retry_after(headers.get("Retry-After"))))
    if status == 304:
        # A 304 may omit the validators: the ones we sent are still current.
        etag = headers.get("ETag", request.etag)
        modified = headers.get("Last-Modified", request.last_modified)
        return FetchResult(request.url, status, None, etag, modified, not_modified=True)
    if not 200 <= status < 300:
        raise FetchError(request.url, f"HTTP {status}")
    content = _read_limited(response, request)
    return FetchResult(
        request.url, status, content, headers.get("ETag"), headers.get("Last-Modified")
    )


def _read_limited(response: httpx.Response, request: _Request) -> bytes:
    """The body, read in chunks and abandoned as soon as it passes `max_bytes` (decoded) or
    the deadline."""
    url, max_bytes = request.url, request.max_bytes
    declared = response.headers.get("Content-Length", "")
    if declared.isdigit() and int(declared) > max_bytes:
        raise FetchError(url, f"body of {declared} bytes is over the limit of {max_bytes}")
    chunks, size = [], 0
    for chunk in response.iter_bytes():
        size += len(chunk)
        if size > max_bytes:
            raise FetchError(url, f"body is over the limit of {max_bytes} bytes")
        if request.deadline is not None:
            request.deadline.check(url)
        chunks.append(chunk)
    return b"".join(chunks)


def _read_file(url: str, max_bytes: int) -> FetchResult:
    parts = urlsplit(url)
    if parts.netloc not in ("", "localhost"):
        raise FetchError(url, "a file URL needs an absolute path: file:///path/to/feed.xml")
    path = Path(url2pathname(parts.path))
    try:
        if path.stat().st_size > max_bytes:
            raise FetchError(url, f"file is over the limit of {max_bytes} bytes")
        return FetchResult(url=url, status=200, content=path.read_bytes())
    except OSError as error:
        raise FetchError(url, f"cannot read {path}: {error.strerror or error}") from error
