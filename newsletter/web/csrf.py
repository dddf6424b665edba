"""CSRF protection for the app's forms: the request's origin, and a signed double-submit token.

A form POST is accepted only when
- it comes from this site: its `Origin` header (or, when a browser sent none, its `Referer`)
  is NEWSLETTER_BASE_URL's origin. Every browser sends one of them with a form POST; a request
  with neither, or from another origin, is refused;
- its token is valid: every page sets a random nonce in a cookie (once) and puts the nonce,
  signed with the secret key, in a hidden field of its forms, and the POST's field must carry
  the cookie's nonce. Another site can make a browser send the cookie, but cannot read it nor
  forge the signature. Over HTTPS the cookie is `__Host-csrf`: browsers accept that name only
  from this very host, over HTTPS, so a sibling subdomain or a network attacker cannot plant a
  cookie of their choosing ("cookie tossing") to go with a token they obtained.

The RFC 8058 one-click unsubscribe POST is exempt by design (it comes from mailbox providers,
with no cookie and no form), and so are the provider webhooks (they are signed).
"""

from __future__ import annotations

import hmac
import secrets
from urllib.parse import urlsplit

from fastapi import Form, Request
from starlette.responses import Response

from newsletter.subscribers import tokens

FIELD = "csrf_token"
SECURE_COOKIE, PLAIN_COOKIE = "__Host-csrf", "csrf"  # over HTTPS; over plain HTTP (development)
MAX_AGE_SECONDS = 2 * 24 * 3600  # a form left open over a weekend still works
DEFAULT_PORTS = {"http": 80, "https": 443}


class CsrfError(Exception):
    """A form POST from another origin or without a valid token: answered 403, nothing changed."""


def _settings(request: Request):
    return request.app.state.services.settings


def _cookie_name(request: Request) -> str:
    return SECURE_COOKIE if _settings(request).base_url.startswith("https://") else PLAIN_COOKIE


def _cookie_nonce(request: Request) -> str | None:
    nonce = request.cookies.get(_cookie_name(request), "")
    return nonce if 16 <= len(nonce) <= 64 and nonce.isascii() else None


def form_token(request: Request) -> str:
    """The signed token for this page's forms (a fresh nonce when the browser has none), made
    once per request: every form of a page carries the nonce of the one cookie."""
    token = getattr(request.state, "csrf_form_token", None)
    if token is None:
        nonce = _cookie_nonce(request)
        if nonce is None:
            nonce = request.state.new_csrf_nonce = secrets.token_urlsafe(24)
        token = request.state.csrf_form_token = tokens.make_token(
            _settings(request).secret_key, tokens.CSRF, nonce)
    return token


def remember(request: Request, response: Response) -> None:
    """Set the cookie when `form_token` made a new nonce for this response."""
    nonce = getattr(request.state, "new_csrf_nonce", None)
    if nonce is not None:
        name = _cookie_name(request)
        # __Host-: Secure, Path=/ and no Domain, or browsers drop it
        response.set_cookie(name, nonce, max_age=MAX_AGE_SECONDS, path="/", httponly=True,
                            samesite="strict", secure=name == SECURE_COOKIE)


async def require_csrf(request: Request, csrf_token: str = Form("")) -> None:
    """A dependency of every form POST: raises CsrfError unless the request comes from this
    site and its token matches the cookie. Async, though it awaits nothing: it only computes
    (an HMAC), so it runs on the event loop rather than costing a trip to a worker thread."""
    if not _from_this_site(request):
        raise CsrfError()
    nonce = _cookie_nonce(request)
    try:
        signed = tokens.read_text_token(_settings(request).secret_key, tokens.CSRF, csrf_token,
                                        MAX_AGE_SECONDS)
    except tokens.InvalidToken:
        raise CsrfError() from None
    if nonce is None or not hmac.compare_digest(signed.encode(), nonce.encode()):
        raise CsrfError()


def _from_this_site(request: Request) -> bool:
    """Whether the Origin header, else the Referer, names NEWSLETTER_BASE_URL's origin."""
    claimed = request.headers.get("origin") or request.headers.get("referer")
    return claimed is not None and origin_of(claimed) == origin_of(_settings(request).base_url)


def origin_of(url: str) -> tuple[str, str, int] | None:
    """(scheme, host, port) of a URL, the port made explicit; None for "null" or no URL."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port or DEFAULT_PORTS.get(parts.scheme)
    except ValueError:  # a port that is not a number
        return None
    if not parts.scheme or not parts.hostname or port is None:
        return None
    return parts.scheme.lower(), parts.hostname.lower(), port
