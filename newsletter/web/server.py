"""How `newsletter serve` runs the app: uvicorn, hardened against slow and oversized requests.

uvicorn keeps a connection open for as long as its client takes to send the request's headers:
a few hundred connections trickling headers hold a server for ever ("slowloris"). Here a
connection whose headers are not all in HEADER_TIMEOUT seconds after it opened (or after its
previous response) is closed; a request head past MAX_HEAD_BYTES is refused with 400 (h11's
incomplete-event limit); an idle kept-alive connection is closed after KEEP_ALIVE seconds.

uvicorn does not believe X-Forwarded-For here (`proxy_headers=False`): the app decides whose
it believes (NEWSLETTER_TRUSTED_PROXIES, `newsletter.web.deps.client_ip`). In production, put a
reverse proxy in front that also bounds request bodies and their reading time (see the README).
"""

from __future__ import annotations

import asyncio

import h11
import uvicorn
from uvicorn.protocols.http.h11_impl import H11Protocol

HEADER_TIMEOUT = 10.0
MAX_HEAD_BYTES = 8 * 1024
KEEP_ALIVE = 5


class HeaderTimeoutProtocol(H11Protocol):
    """uvicorn's h11 protocol, closing a connection still waiting for a request's headers
    `header_timeout` seconds after it opened or after its last response."""

    header_timeout = HEADER_TIMEOUT
    _header_timer: asyncio.TimerHandle | None = None

    def connection_made(self, transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._watch_headers()

    def data_received(self, data: bytes) -> None:
        super().data_received(data)
        self._watch_headers()

    def on_response_complete(self) -> None:
        super().on_response_complete()
        self._watch_headers()

    def connection_lost(self, exc: Exception | None) -> None:
        self._stop_watching()
        super().connection_lost(exc)

    def _watch_headers(self) -> None:
        """Time the headers while the client has not sent a whole request head."""
        if self.conn.their_state is not h11.IDLE:
            self._stop_watching()
        elif self._header_timer is None:
            self._header_timer = self.loop.call_later(self.header_timeout, self._too_slow)

    def _stop_watching(self) -> None:
        if self._header_timer is not None:
            self._header_timer.cancel()
            self._header_timer = None

    def _too_slow(self) -> None:
        self._header_timer = None
        if self.conn.their_state is h11.IDLE and not self.transport.is_closing():
            self.transport.close()


def server_config(app, host: str, port: int, header_timeout: float = HEADER_TIMEOUT,
                  **options) -> uvicorn.Config:
    """The uvicorn configuration of `newsletter serve` (`options`: more of uvicorn's)."""
    protocol = type("HeaderTimeoutProtocol", (HeaderTimeoutProtocol,),
                    {"header_timeout": header_timeout})
    return uvicorn.Config(app, host=host, port=port, http=protocol,
                          h11_max_incomplete_event_size=MAX_HEAD_BYTES,
                          timeout_keep_alive=KEEP_ALIVE, proxy_headers=False,
                          server_header=False, **options)


def serve_app(app, host: str, port: int) -> None:
    """Serve `app` until interrupted."""
    uvicorn.Server(server_config(app, host, port)).run()
