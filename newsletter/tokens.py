"""Signed tokens for the links in emails (confirm, preferences, unsubscribe): no passwords.

A token names one subscriber and one purpose, is signed with NEWSLETTER_SECRET_KEY, and cannot be
used for another purpose. Confirmation tokens expire; preference and unsubscribe tokens do not (an
old digest's unsubscribe link must always work).
"""

from __future__ import annotations

from functools import lru_cache

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

CONFIRM, PREFERENCES, UNSUBSCRIBE, CSRF = "confirm", "preferences", "unsubscribe", "csrf"
CONFIRM_MAX_AGE_SECONDS = 7 * 24 * 3600


class InvalidToken(Exception):
    """A token that was tampered with, is for another purpose, or has expired."""


@lru_cache(maxsize=32)  # building one costs ~80 µs, and a digest run signs two links per email
def _serializer(secret_key: str, purpose: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(secret_key, salt=f"newsletter.{purpose}")


def make_token(secret_key: str, purpose: str, value: int | str) -> str:
    """A signed, timestamped token carrying `value` (a subscriber id, or a CSRF nonce)."""
    return _serializer(secret_key, purpose).dumps(value)


def read_token(secret_key: str, purpose: str, token: str, max_age: int | None = None) -> int:
    """The subscriber id in a token; raises InvalidToken."""
    value = _load(secret_key, purpose, token, max_age)
    if not isinstance(value, int) or isinstance(value, bool):
        raise InvalidToken("this link is not valid")
    return value


def read_text_token(secret_key: str, purpose: str, token: str, max_age: int | None = None) -> str:
    """The text value in a token (a CSRF nonce); raises InvalidToken."""
    value = _load(secret_key, purpose, token, max_age)
    if not isinstance(value, str):
        raise InvalidToken("this token is not valid")
    return value


def _load(secret_key: str, purpose: str, token: str, max_age: int | None):
    try:
        return _serializer(secret_key, purpose).loads(token, max_age=max_age)
    except SignatureExpired:
        raise InvalidToken("this link has expired") from None
    except BadSignature:
        raise InvalidToken("this link is not valid") from None
