"""Conditional GET (RFC 9110 section 13): a response's validators, and the 304 that answers a
client already holding the same representation, so that a feed reader polling every few
minutes costs a few headers instead of a document, and the server builds nothing for it."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from email.utils import format_datetime, parsedate_to_datetime

from fastapi import Request
from fastapi.responses import Response

MAX_AGE = 300  # seconds a reader or a shared cache may keep a feed without asking


@dataclass(frozen=True)
class Validators:
    """A representation's ETag and Last-Modified, known before its body is built."""

    etag: str
    last_modified: dt.datetime

    @classmethod
    def of(cls, version: tuple, last_modified: dt.datetime) -> Validators:
        """The validators of a representation that is the same whenever `version` (a tuple of
        plain values naming everything the body is made from) is, and was last changed at
        `last_modified` (aware, UTC)."""
        etag = '"' + hashlib.sha256(repr(version).encode()).hexdigest()[:32] + '"'
        return cls(etag, last_modified.astimezone(dt.UTC).replace(microsecond=0))

    def headers(self) -> dict[str, str]:
        return {"ETag": self.etag,
                "Last-Modified": format_datetime(self.last_modified, usegmt=True),
                "Cache-Control": f"public, max-age={MAX_AGE}"}


def conditional_response(request: Request, validators: Validators, media_type: str,
                         build: Callable[[], bytes]) -> Response:
    """An empty 304 when the request's If-None-Match names the ETag or, without If-None-Match,
    its If-Modified-Since is no older than Last-Modified; else the body `build` makes (only then
    called). Both carry the validators."""
    if _not_modified(request, validators):
        return Response(status_code=304, headers=validators.headers())
    return Response(build(), media_type=media_type, headers=validators.headers())


def _not_modified(request: Request, validators: Validators) -> bool:
    if (wanted := request.headers.get("if-none-match")) is not None:
        # weak comparison, as for GET: a W/ prefix added by a proxy still matches
        tags = {tag.strip().removeprefix("W/") for tag in wanted.split(",")}
        return "*" in tags or validators.etag in tags
    since = _http_date(request.headers.get("if-modified-since"))
    return since is not None and validators.last_modified <= since


def _http_date(value: str | None) -> dt.datetime | None:
    """The date of an HTTP date header; None when absent or not a date (then ignored)."""
    if not value:
        return None
    try:
        parsed = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.UTC)
