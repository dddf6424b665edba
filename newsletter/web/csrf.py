"""CSRF protection for the app's forms: a signed double-submit token.

Every page sets a random nonce in a cookie (once) and puts the nonce, signed with the secret key,
in a hidden field of its forms. A POST is accepted only when the field's signature is valid and
its nonce equals the cookie's: another site can make a browser send the cookie, but cannot read
it nor forge the signature. The RFC 8058 one-click unsubscribe POST is exempt by design (it comes
from mailbox providers, with no cookie and no form).
"""

from __future__ import annotations

import hmac
import secrets

from fastapi import Form, Request
from starlette.responses import Response

from newsletter import tokens

COOKIE = "csrf"
MAX_AGE_SECONDS = 2 * 24 * 3600  # a form left open over a weekend still works


class CsrfError(Exception):
    """A form POST without a valid token: answered 403, nothing changed."""


def _secret(request: Request) -> str:
    return request.app.state.services.settings.secret_key


def _cookie_nonce(request: Request) -> str | None:
    nonce = request.cookies.get(COOKIE, "")
    return nonce if 16 <= len(nonce) <= 64 and nonce.isascii() else None


def form_token(request: Request) -> str:
    """The signed token for this page's forms (a fresh nonce when the browser has none)."""
    nonce = _cookie_nonce(request)
    if nonce is None:
        nonce = request.state.new_csrf_nonce = secrets.token_urlsafe(24)
    return tokens.make_token(_secret(request), tokens.CSRF, nonce)


def remember(request: Request, response: Response) -> None:
    """Set the cookie when `form_token` made a new nonce for this response."""
    nonce = getattr(request.state, "new_csrf_nonce", None)
    if nonce is not None:
        secure = request.app.state.services.settings.base_url.startswith("https://")
        response.set_cookie(COOKIE, nonce, max_age=MAX_AGE_SECONDS, httponly=True,
                            samesite="strict", secure=secure)


def require_csrf(request: Request, csrf_token: str = Form("")) -> None:
    """A dependency of every form POST: raises CsrfError unless the token matches the cookie."""
    nonce = _cookie_nonce(request)
    try:
        signed = tokens.read_text_token(_secret(request), tokens.CSRF, csrf_token, MAX_AGE_SECONDS)
    except tokens.InvalidToken:
        raise CsrfError() from None
    if nonce is None or not hmac.compare_digest(signed, nonce):
        raise CsrfError()
