"""A real HTTP server on 127.0.0.1 (a free port), served from a daemon thread: what every
stand-in of an outside service is built on."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Self


def send_json(handler: BaseHTTPRequestHandler, status: int, headers: dict[str, str],
              body) -> None:
    """Answer a request with `status`, `headers` and `body` as JSON (an empty body for none)."""
    data = json.dumps(body).encode() if body is not None else b""
    handler.send_response(status)
    for name, value in headers.items():
        handler.send_header(name, value)
    handler.send_header("Content-Type", "application/json")
    handler.send_header("Content-Length", str(len(data)))
    handler.end_headers()
    handler.wfile.write(data)


class LoopbackServer:
    """`start()`/`stop()`, or `with`; `origin` is "http://127.0.0.1:PORT"."""

    def __init__(self, handler_class: type[BaseHTTPRequestHandler]):
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), handler_class)
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    @property
    def origin(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> Self:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def serve_until_stopped(self) -> None:
        """Block the caller (a process that only serves) while the server runs."""
        self._thread.join()

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc_info) -> None:
        self.stop()
