"""A stand-in for the feeds and APIs we read: a real HTTP server on 127.0.0.1 that answers GETs
from a table of routes, honours If-None-Match, counts requests, and can stay silent."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from urllib.parse import parse_qsl, urlsplit

from tests.stubs.loopback import LoopbackServer


@dataclass
class Answer:
    """What a route answers: a body (with an ETag, when given) or a status."""

    body: bytes = b""
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    etag: str | None = None


@dataclass
class Drip:
    """A server that answers at once with its headers, then sends the body `chunk` bytes every
    `every` seconds (until the stand-in stops): what read timeouts alone never end."""

    body: bytes
    every: float = 1.0
    chunk: int = 1


Route = Answer | Drip | Callable[[dict[str, str]], Answer]  # fixed, dripping, or per query


class StandIn:
    """`serve(path, answer)` sets a route; `silent(path)` accepts and never answers (until the
    stand-in stops); `requests` lists the path and query of every GET received."""

    def __init__(self) -> None:
        self.routes: dict[str, Route | None] = {}
        self.requests: list[str] = []
        self.release = threading.Event()
        self._server = LoopbackServer(_handler_for(self)).start()

    def url(self, path: str) -> str:
        return f"{self._server.origin}{path}"

    def serve(self, path: str, route: Route) -> str:
        self.routes[path] = route
        return self.url(path)

    def drip(self, path: str, body: bytes, every: float = 1.0, chunk: int = 1) -> str:
        self.routes[path] = Drip(body, every, chunk)
        return self.url(path)

    def silent(self, path: str) -> str:
        self.routes[path] = None
        return self.url(path)

    def requests_to(self, path: str) -> int:
        return sum(1 for request in self.requests if urlsplit(request).path == path)

    def stop(self) -> None:
        self.release.set()
        self._server.stop()


def _handler_for(stand_in: StandIn) -> type[BaseHTTPRequestHandler]:
    return type("StandInHandler", (_Handler,), {"stand_in": stand_in})


class _Handler(BaseHTTPRequestHandler):
    stand_in: StandIn

    def do_GET(self):
        stand_in = self.stand_in
        stand_in.requests.append(self.path)
        parts = urlsplit(self.path)
        if parts.path not in stand_in.routes:
            return self._answer(Answer(b"no such page", status=404))
        route = stand_in.routes[parts.path]
        if route is None:  # a server that never answers: hold the connection open
            stand_in.release.wait(timeout=30)
            return None
        if isinstance(route, Drip):
            return self._drip(route)
        answer = route(dict(parse_qsl(parts.query))) if callable(route) else route
        if answer.etag and self.headers.get("If-None-Match") == answer.etag:
            return self._answer(Answer(status=304, etag=answer.etag))
        return self._answer(answer)

    def _answer(self, answer: Answer) -> None:
        self.send_response(answer.status)
        headers = {"Content-Length": str(len(answer.body)), **answer.headers}
        if answer.etag:
            headers["ETag"] = answer.etag
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()
        try:
            self.wfile.write(answer.body)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client hung up on purpose (a body over its limit)

    def _drip(self, drip: Drip) -> None:
        self.send_response(200)
        self.send_header("Content-Length", str(len(drip.body)))
        self.end_headers()
        try:
            for start in range(0, len(drip.body), drip.chunk):
                self.wfile.write(drip.body[start:start + drip.chunk])
                self.wfile.flush()
                if self.stand_in.release.wait(drip.every):
                    return
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up: what a deadline is for

    def log_message(self, *args):
        pass
