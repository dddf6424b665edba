"""Signed tokens for the links in emails (confirm, preferences, unsubscribe, feedback): no
passwords.

A link token names one subscriber and one purpose, is signed with NEWSLETTER_SECRET_KEY, and
cannot be used for another purpose. It carries the subscriber's id and a random secret of
theirs (`Subscriber.token_secret`; for a confirmation, `confirm_secret`), so a token made for
one subscriber never opens another's account, even one that got the same id. Confirmation
tokens expire; the others do not (an old digest's unsubscribe link must always work).

Tokens are itsdangerous URL-safe timed tokens. A digest run signs three per reader, so the
tokens of an id and a short secret are signed here with the signer's own derived key (`_Hmac`;
well under a tenth of `URLSafeTimedSerializer.dumps`'s cost): the same bytes, except
that this path never zlib-compresses, which itsdangerous reads just the same (it compresses only
what shrinks by 2 bytes, which JSON this short with a random secret does not). Everything else,
and all reading, goes through itsdangerous.
"""

from __future__ import annotations

import base64
import re
import secrets
import time
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from itsdangerous.encoding import int_to_bytes

CONFIRM, PREFERENCES, UNSUBSCRIBE, CSRF = "confirm", "preferences", "unsubscribe", "csrf"
CONFIRM_MAX_AGE_SECONDS = 7 * 24 * 3600
SECRET_BYTES = 8  # only needs to tell apart the subscribers that ever shared an id: 64 bits
SECRET_CHARS = 11  # its URL-safe base64
_FAST_SECRET = re.compile(r"[A-Za-z0-9_-]{1,22}")  # nothing that JSON would escape
_FAST_IDS = range(-10**8 + 1, 10**10)  # at most 10 characters of JSON


class InvalidToken(Exception):
    """A token that was tampered with, is for another purpose, has expired, or names nobody."""


@dataclass(frozen=True)
class LinkToken:
    """What a subscriber's link token says: whose it is and when it was signed. `secret` is
    None for a token made before tokens carried one (an id alone)."""

    subscriber_id: int
    secret: str | None
    signed_at: int


def new_secret() -> str:
    """A fresh random secret for a subscriber's links."""
    return secrets.token_urlsafe(SECRET_BYTES)


@lru_cache(maxsize=32)  # building one costs ~80 µs, and a digest run signs three links per email
def _serializer(secret_key: str, purpose: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(secret_key, salt=f"newsletter.{purpose}")


class _Hmac:
    """HMAC with one key, its inner and outer hashes fed the padded key once: a signature is
    then two copies, two updates and two digests (RFC 2104), about 60% of `hmac.digest`'s cost
    (which sets the key up again at every call)."""

    def __init__(self, key: bytes, digest_method) -> None:
        block = digest_method().block_size
        key = (digest_method(key).digest() if len(key) > block else key).ljust(block, b"\0")
        self._inner = digest_method(bytes(byte ^ 0x36 for byte in key))
        self._outer = digest_method(bytes(byte ^ 0x5C for byte in key))

    def sign(self, message: bytes) -> bytes:
        inner, outer = self._inner.copy(), self._outer.copy()
        inner.update(message)
        outer.update(inner.digest())
        return outer.digest()


@lru_cache(maxsize=32)
def _signer(secret_key: str, purpose: str) -> tuple[_Hmac, bytes]:
    """The HMAC of the key the serializer's signer derives, with its digest, and the signer's
    separator: what gives the signer's own signature without building one."""
    signer = _serializer(secret_key, purpose).make_signer()
    return _Hmac(signer.derive_key(), signer.digest_method), signer.sep


@lru_cache(maxsize=2)  # one second's stamp serves every token signed in it
def _timestamp(seconds: int) -> bytes:
    return _b64(int_to_bytes(seconds))


def _b64(data: bytes) -> bytes:
    return base64.urlsafe_b64encode(data).rstrip(b"=")


def make_token(secret_key: str, purpose: str, value: int | str | list) -> str:
    """A signed, timestamped token carrying `value` (a CSRF nonce; see `make_link_token`)."""
    return _serializer(secret_key, purpose).dumps(value)


def make_link_token(secret_key: str, purpose: str, subscriber_id: int, secret: str) -> str:
    """The token of a link made for one subscriber: their id and `secret`, signed."""
    [token] = make_link_tokens(secret_key, (purpose,), subscriber_id, secret)
    return token


def make_link_tokens(secret_key: str, purposes: Sequence[str], subscriber_id: int,
                     secret: str) -> list[str]:
    """The tokens of one subscriber's links for each of `purposes`, in one pass: the signed
    part (their id and `secret`, and the time) is the same for every purpose, only the
    signature differs."""
    if type(subscriber_id) is not int or subscriber_id not in _FAST_IDS \
            or not isinstance(secret, str) or not _FAST_SECRET.fullmatch(secret):
        return [make_token(secret_key, purpose, [subscriber_id, secret]) for purpose in purposes]
    payload = _b64(f'[{subscriber_id},"{secret}"]'.encode())  # itsdangerous's compact JSON
    stamp, tokens = _timestamp(int(time.time())), []
    for purpose in purposes:
        mac, sep = _signer(secret_key, purpose)
        signed = payload + sep + stamp
        tokens.append((signed + sep + _b64(mac.sign(signed))).decode())
    return tokens


def read_link_token(secret_key: str, purpose: str, token: str,
                    max_age: int | None = None) -> LinkToken:
    """Whose link token this is (not yet checked against the subscriber); raises InvalidToken."""
    value, signed_at = _load(secret_key, purpose, token, max_age)
    if _is_id(value):  # made before links carried a secret
        return LinkToken(value, None, signed_at)
    if isinstance(value, list) and len(value) == 2 and _is_id(value[0]) \
            and isinstance(value[1], str):
        return LinkToken(value[0], value[1], signed_at)
    raise InvalidToken("this link is not valid")


def read_text_token(secret_key: str, purpose: str, token: str, max_age: int | None = None) -> str:
    """The text value in a token (a CSRF nonce); raises InvalidToken."""
    value, _ = _load(secret_key, purpose, token, max_age)
    if not isinstance(value, str):
        raise InvalidToken("this token is not valid")
    return value


def _is_id(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _load(secret_key: str, purpose: str, token: str, max_age: int | None):
    try:
        value, signed_at = _serializer(secret_key, purpose).loads(
            token, max_age=max_age, return_timestamp=True)
    except SignatureExpired:
        raise InvalidToken("this link has expired") from None
    except BadSignature:
        raise InvalidToken("this link is not valid") from None
    return value, int(signed_at.timestamp())
