"""Signed tokens for the links in emails (confirm, preferences, unsubscribe): no passwords.

A token names one subscriber and one purpose, is signed with NEWSLETTER_SECRET_KEY, and cannot be
used for another purpose. Confirmation tokens expire; preference and unsubscribe tokens do not (an
old digest's unsubscribe link must always work).
"""

from __future__ import annotations

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

CONFIRM, PREFERENCES, UNSUBSCRIBE = "confirm", "preferences", "unsubscribe"
CONFIRM_MAX_AGE_SECONDS = 7 * 24 * 3600


class InvalidToken(Exception):
    """A token that was tampered with, is for another purpose, or has expired."""


def _serializer(secret_key: str, purpose: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(secret_key, salt=f"newsletter.{purpose}")


def make_token(secret_key: str, purpose: str, subscriber_id: int) -> str:
    return _serializer(secret_key, purpose).dumps(subscriber_id)


def read_token(secret_key: str, purpose: str, token: str, max_age: int | None = None) -> int:
    """The subscriber id in a token; raises InvalidToken."""
    try:
        value = _serializer(secret_key, purpose).loads(token, max_age=max_age)
    except SignatureExpired:
        raise InvalidToken("this link has expired") from None
    except BadSignature:
        raise InvalidToken("this link is not valid") from None
    if not isinstance(value, int):
        raise InvalidToken("this link is not valid")
    return value
