"""Conditional GET (RFC 9110 section 13): a response's validators, and the 304 that answers a
client already holding the same representation, so that a feed reader polling every few
minutes costs a few headers instead of a document."""

from __future__ import annotations

import datetime as dt
import hashlib
from email.utils import format_datetime, parsedate_to_datetime

from fastapi import Request
from fastapi.responses import Response

MAX_AGE = 300  # seconds a reader or a shared cache may keep a feed without asking


def cached_response(request: Request, body: bytes, media_type: str,
                    last_modified: dt.datetime) -> Response:
    """`body` with an ETag (its hash) and `last_modified` (aware, UTC), or an empty 304 when the
    request's If-None-Match names that ETag or, without If-None-Match, its If-Modified-Since is
    no older than `last_modified`."""
    etag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
    modified = last_modified.astimezone(dt.UTC).replace(microsecond=0)
    headers = {"ETag": etag, "Last-Modified": format_datetime(modified, usegmt=True),
               "Cache-Control": f"public, max-age={MAX_AGE}"}
    if _not_modified(request, etag, modified):
        return Response(status_code=304, headers=headers)
    return Response(body, media_type=media_type, headers=headers)


def _not_modified(request: Request, etag: str, modified: dt.datetime) -> bool:
    if (wanted := request.headers.get("if-none-match")) is not None:
        # weak comparison, as for GET: a W/ prefix added by a proxy still matches
        tags = {tag.strip().removeprefix("W/") for tag in wanted.split(",")}
        return "*" in tags or etag in tags
    since = _http_date(request.headers.get("if-modified-since"))
    return since is not None and modified <= since


def _http_date(value: str | None) -> dt.datetime | None:
    """The date of an HTTP date header; None when absent or not a date (then ignored)."""
    if not value:
        return None
    try:
        parsed = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.UTC)
