"""ASGI middleware: the request size limit, the security headers of every response, and the
count of requests being answered."""

from __future__ import annotations

import time

from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

# the pages allow nothing from elsewhere: no third-party scripts, fonts or frames (nor framing,
# for browsers that predate frame-ancestors); a Referer only to this site, since page URLs
# carry signed tokens ("no-referrer" would make browsers send `Origin: null` with our own
# forms, which the CSRF check refuses)
CONTENT_SECURITY_POLICY = (b"default-src 'none'; style-src 'self'; img-src 'self' data:; "
                           b"form-action 'self'; base-uri 'none'; frame-ancestors 'none'")
SECURITY_HEADERS = [
    (b"content-security-policy", CONTENT_SECURITY_POLICY),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"same-origin"),
    (b"x-content-type-options", b"nosniff"),
]
# pages reached through a signed link show a subscriber's data, and the operator's page shows
# everyone's: never kept by a cache, shared or the browser's own
TOKEN_PATHS = ("/confirm/", "/preferences/", "/unsubscribe/", "/feedback/", "/admin")
NO_STORE = (b"cache-control", b"no-store")


class BodySizeLimit:
    """Refuse request bodies over `max_bytes` (413), declared or streamed. Paths under a prefix
    of `larger` get that prefix's limit instead (provider webhooks post batches)."""

    def __init__(self, app: ASGIApp, max_bytes: int, larger: dict[str, int] | None = None):
        self.app, self.max_bytes, self.larger = app, max_bytes, larger or {}

    def limit_for(self, path: str) -> int:
        return next((n for prefix, n in self.larger.items() if path.startswith(prefix)),
                    self.max_bytes)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.limit_for(scope["path"])
        declared = dict(scope["headers"]).get(b"content-length", b"0")
        received = 0

        async def limited_receive() -> Message:
            # raised inside the app, so the app's own error page answers it
            nonlocal received
            if not declared.isdigit() or int(declared) > limit:
                raise HTTPException(413, "The request is too large.")
            message = await receive()
            received += len(message.get("body", b""))
            if received > limit:
                raise HTTPException(413, "The request is too large.")
            return message

        await self.app(scope, limited_receive, send)


class SecurityHeaders:
    """SECURITY_HEADERS on every response; and `Cache-Control: no-store` on those of TOKEN_PATHS,
    whatever the route set."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        private = scope["path"].startswith(TOKEN_PATHS)

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [*message.get("headers", []), *SECURITY_HEADERS]
                if private:
                    headers = [h for h in headers if h[0].lower() != b"cache-control"]
                    headers.append(NO_STORE)
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)


class InFlight:
    """How many HTTP requests are being answered, counted by the CountRequests middleware (on
    the event loop) and read from other threads: work that can wait gives way to them."""

    QUIET_SECONDS = 0.05  # a client that asks again this soon after an answer is mid-burst

    def __init__(self, clock=time.monotonic) -> None:
        self.count, self.clock = 0, clock
        self.last_answered = float("-inf")

    def busy(self) -> bool:
        """Whether a request is being answered, or one was within the last QUIET_SECONDS."""
        return self.count > 0 or self.clock() - self.last_answered < self.QUIET_SECONDS


class CountRequests:
    """Count each HTTP request in `in_flight` from its arrival to the end of its answer (and of
    the answer's background tasks)."""

    def __init__(self, app: ASGIApp, in_flight: InFlight) -> None:
        self.app, self.in_flight = app, in_flight

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        self.in_flight.count += 1
        try:
            await self.app(scope, receive, send)
        finally:
            self.in_flight.count -= 1
            self.in_flight.last_answered = self.in_flight.clock()
