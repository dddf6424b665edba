"""fetch() against a real HTTP server on 127.0.0.1 (and httpx.MockTransport where a socket adds
nothing). No test sleeps: the retry sleep and the pacer's clock are injected."""

from __future__ import annotations

import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
import pytest

from newsletter.sources.fetch import (
    MAX_WAIT,
    USER_AGENT,
    FetchError,
    HostPacer,
    fetch,
)
from tests.support.clock import FakeClock


class _ScriptedHandler(BaseHTTPRequestHandler):
    """Answers each GET with the next scripted (status, headers, body) and records the request."""

    def do_GET(self):
        self.server.requests.append(dict(self.headers))
        status, headers, body = self.server.script.pop(0)
        self.send_response(status)
        for name, value in {"Content-Length": str(len(body)), **headers}.items():
            self.send_header(name, value)
        self.end_headers()
        try:
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client hung up on purpose (an oversize body)

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def _httpd():
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _ScriptedHandler)
    httpd.url = f"http://127.0.0.1:{httpd.server_address[1]}/feed.xml"
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield httpd
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture
def server(_httpd):
    """The module's server with an empty script and no recorded request."""
    _httpd.script, _httpd.requests = [], []
    return _httpd


@pytest.fixture
def clock():
    return FakeClock(1000.0)


@pytest.fixture
def sleeps():
    """The waits fetch asked for between retries."""
    return []


@pytest.fixture
def polite(clock, sleeps):
    """Keyword arguments for fetch that keep tests from ever sleeping."""
    return {"pacer": HostPacer(1.0, clock=clock, sleep=clock.sleep), "sleep": sleeps.append}


def test_body_and_validators_are_returned(server, polite):
    server.script.append(
        (200, {"ETag": '"v1"', "Last-Modified": "Mon, 23 Nov 2026 05:00:00 GMT"}, b"<rss/>")
    )
    result = fetch(server.url, **polite)
    assert (result.status, result.content, result.not_modified) == (200, b"<rss/>", False)
    assert (result.etag, result.last_modified) == ('"v1"', "Mon, 23 Nov 2026 05:00:00 GMT")


def test_requests_carry_a_user_agent_naming_the_project(server, polite):
    server.script.append((200, {}, b"ok"))
    fetch(server.url, **polite)
    assert (
        server.requests[0]["User-Agent"]
        == USER_AGENT
        == ("paper-newsletter/0.1 (+https://github.com/paper-newsletter)")
    )


def test_conditional_get_answered_304_is_not_modified(server, polite):
    server.script.append((304, {}, b""))
    result = fetch(server.url, etag='"v1"', last_modified="Mon, 23 Nov 2026 05:00:00 GMT", **polite)
    assert server.requests[0]["If-None-Match"] == '"v1"'
    assert server.requests[0]["If-Modified-Since"] == "Mon, 23 Nov 2026 05:00:00 GMT"
    assert (result.not_modified, result.content, result.etag) == (True, None, '"v1"')


def test_retry_after_is_honoured_before_retrying(server, polite, sleeps):
    server.script += [(503, {"Retry-After": "7"}, b"busy"), (200, {}, b"ok")]
    assert fetch(server.url, **polite).content == b"ok"
    assert sleeps == [7.0]


def test_a_long_retry_after_is_capped(server, polite, sleeps):
    server.script += [(429, {"Retry-After": "86400"}, b""), (200, {}, b"ok")]
    fetch(server.url, **polite)
    assert sleeps == [MAX_WAIT]


def test_backoff_doubles_without_retry_after(server, polite, sleeps):
    server.script += [(500, {}, b""), (502, {}, b""), (200, {}, b"ok")]
    assert fetch(server.url, **polite).content == b"ok"
    assert sleeps == [2.0, 4.0]


def test_gives_up_after_the_retries_with_a_fetch_error(server, polite):
    server.script += [(429, {}, b"")] * 4
    with pytest.raises(FetchError, match="HTTP 429.*after 4 attempts") as caught:
        fetch(server.url, retries=3, **polite)
    assert caught.value.url == server.url
    assert len(server.requests) == 4


def test_redirects_are_followed(server, polite):
    server.script += [(301, {"Location": server.url + "?moved"}, b""), (200, {}, b"ok")]
    assert fetch(server.url, **polite).content == b"ok"
    assert len(server.requests) == 2


def test_a_client_error_is_not_retried(server, polite):
    server.script.append((404, {}, b"not here"))
    with pytest.raises(FetchError, match="HTTP 404"):
        fetch(server.url, **polite)
    assert len(server.requests) == 1


def test_a_body_declared_over_the_limit_is_refused(server, polite):
    server.script.append((200, {}, b"x" * 5000))
    with pytest.raises(FetchError, match="over the limit of 1000"):
        fetch(server.url, max_bytes=1000, **polite)


def test_a_streamed_body_is_abandoned_once_past_the_limit(polite):
    produced = []

    def endless():
        while True:
            produced.append(1)
            yield b"x" * 1000

    transport = httpx.MockTransport(lambda request: httpx.Response(200, content=endless()))
    with (
        httpx.Client(transport=transport) as client,
        pytest.raises(FetchError, match="over the limit"),
    ):
        fetch("https://example.org/feed", client=client, max_bytes=10_000, **polite)
    assert len(produced) == 11


def test_a_server_that_never_answers_times_out():
    silent = socket.create_server(("127.0.0.1", 0))  # listens, never accepts, never answers
    try:
        url = f"http://127.0.0.1:{silent.getsockname()[1]}/feed"
        with pytest.raises(FetchError, match="timed out"):
            fetch(url, timeout=0.2, retries=0, pacer=HostPacer(0.0))
    finally:
        silent.close()


def test_a_timeout_is_retried(polite, sleeps):
    answers = [httpx.ReadTimeout("slow"), httpx.Response(200, content=b"ok")]

    def handler(request):
        answer = answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return answer

    with httpx.Client(transport=httpx.MockTransport(handler)) as client:
        assert fetch("https://example.org/feed", client=client, **polite).content == b"ok"
    assert sleeps == [2.0]


def test_consecutive_requests_to_one_host_are_spaced(server, polite, clock):
    server.script += [(200, {}, b"a"), (200, {}, b"b")]
    fetch(server.url, **polite)
    fetch(server.url, **polite)
    assert clock.sleeps == [1.0]


def test_pacer_spaces_one_host_but_not_another(clock):
    pacer = HostPacer(1.0, {"export.arxiv.org": 3.0}, clock=clock, sleep=clock.sleep)
    for host in ["export.arxiv.org", "export.arxiv.org", "huggingface.co", "export.arxiv.org"]:
        pacer.wait(host)
    assert clock.sleeps == [3.0, 3.0]


def test_pacer_does_not_wait_once_the_interval_has_passed(clock):
    pacer = HostPacer(1.0, clock=clock, sleep=clock.sleep)
    pacer.wait("a.org")
    clock.now += 5
    pacer.wait("a.org")
    assert clock.sleeps == []


def test_file_url_is_read_without_caching_headers(tmp_path):
    path = tmp_path / "listing.xml"
    path.write_bytes(b"<rss/>")
    result = fetch(path.as_uri())
    assert (result.status, result.content, result.etag, result.last_modified) == (
        200,
        b"<rss/>",
        None,
        None,
    )


def test_a_missing_file_raises_fetch_error(tmp_path):
    with pytest.raises(FetchError, match="cannot read"):
        fetch((tmp_path / "absent.xml").as_uri())


def test_a_file_over_the_limit_is_refused(tmp_path):
    path = tmp_path / "big.xml"
    path.write_bytes(b"x" * 100)
    with pytest.raises(FetchError, match="over the limit"):
        fetch(path.as_uri(), max_bytes=10)


def test_a_file_url_with_a_host_is_refused():
    with pytest.raises(FetchError, match="absolute path"):
        fetch("file://samples/arxiv_cs.xml")


def test_other_schemes_are_refused():
    with pytest.raises(FetchError, match="only http, https and file"):
        fetch("ftp://example.org/feed.xml")
