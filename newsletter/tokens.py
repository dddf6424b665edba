"""Signed tokens for the links in emails (confirm, preferences, unsubscribe): no passwords.

A token names one subscriber and one purpose, is signed with NEWSLETTER_SECRET_KEY, and cannot be
used for another purpose. Confirmation tokens expire; preference and unsubscribe tokens do not (an
old digest's unsubscribe link must always work).

Tokens are itsdangerous URL-safe timed tokens. A digest run signs three per reader, so tokens of
small integers are made here from the signer's own derived key and a prepared HMAC, byte for
byte what `URLSafeTimedSerializer.dumps` makes (about a tenth of its cost); everything else, and
all reading, goes through itsdangerous.
"""

from __future__ import annotations

import base64
import hmac
import time
from functools import lru_cache

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from itsdangerous.encoding import int_to_bytes

CONFIRM, PREFERENCES, UNSUBSCRIBE, CSRF = "confirm", "preferences", "unsubscribe", "csrf"
CONFIRM_MAX_AGE_SECONDS = 7 * 24 * 3600
# itsdangerous zlib-compresses a payload when that makes it 2 bytes shorter; zlib's output of
# anything is at least 9 bytes, so JSON of up to 10 characters (every int32) is never compressed.
_NEVER_COMPRESSED = range(-10**8 + 1, 10**10)


class InvalidToken(Exception):
    """A token that was tampered with, is for another purpose, or has expired."""


@lru_cache(maxsize=32)  # building one costs ~80 µs, and a digest run signs three links per email
def _serializer(secret_key: str, purpose: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(secret_key, salt=f"newsletter.{purpose}")


@lru_cache(maxsize=32)
def _signer(secret_key: str, purpose: str) -> tuple[hmac.HMAC, bytes]:
    """The HMAC keyed as the serializer's signer derives its key (copied for each token), and the
    signer's separator."""
    signer = _serializer(secret_key, purpose).make_signer()
    return hmac.new(signer.derive_key(), digestmod=signer.digest_method), signer.sep


@lru_cache(maxsize=2)  # one second's stamp serves every token signed in it
def _timestamp(seconds: int) -> bytes:
    return _b64(int_to_bytes(seconds))


def _b64(data: bytes) -> bytes:
    return base64.urlsafe_b64encode(data).rstrip(b"=")


def make_token(secret_key: str, purpose: str, value: int | str) -> str:
    """A signed, timestamped token carrying `value` (a subscriber id, or a CSRF nonce)."""
    if type(value) is not int or value not in _NEVER_COMPRESSED:
        return _serializer(secret_key, purpose).dumps(value)
    keyed, sep = _signer(secret_key, purpose)
    signed = _b64(str(value).encode()) + sep + _timestamp(int(time.time()))
    mac = keyed.copy()
    mac.update(signed)
    return (signed + sep + _b64(mac.digest())).decode()


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
