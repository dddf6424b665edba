"""Tokens: the fast signing of subscriber ids is byte for byte itsdangerous's own."""

import time

import pytest
from itsdangerous import URLSafeTimedSerializer

from newsletter import tokens
from newsletter.tokens import InvalidToken, make_token, read_text_token, read_token

IDS = [0, 1, 42, 2**31 - 1, 9_999_999_999, 10**10, -1, -99_999_999, -10**8, 2**63]


@pytest.mark.parametrize("stamp", [0, 1, 255, 256, 1_763_900_000.7, 2**31])
@pytest.mark.parametrize("key", ["secret", "clé ünïcode"])
def test_tokens_are_itsdangerous_tokens(monkeypatch, stamp, key):
    monkeypatch.setattr(time, "time", lambda: stamp)
    for purpose in (tokens.UNSUBSCRIBE, tokens.PREFERENCES, "feedback"):
        theirs = URLSafeTimedSerializer(key, salt=f"newsletter.{purpose}")
        for value in IDS:
            token = make_token(key, purpose, value)
            assert token == theirs.dumps(value)
            assert read_token(key, purpose, token) == value


def test_values_off_the_fast_path_are_signed_by_itsdangerous():
    assert read_text_token("secret", tokens.CSRF, make_token("secret", tokens.CSRF, "nonce")) \
        == "nonce"
    with pytest.raises(InvalidToken):
        read_token("secret", tokens.CONFIRM, make_token("secret", tokens.CONFIRM, True))


def test_a_token_for_another_purpose_or_key_is_rejected():
    token = make_token("secret", tokens.UNSUBSCRIBE, 7)
    with pytest.raises(InvalidToken):
        read_token("secret", tokens.PREFERENCES, token)
    with pytest.raises(InvalidToken):
        read_token("other", tokens.UNSUBSCRIBE, token)


def test_confirmation_tokens_expire(monkeypatch):
    token = make_token("secret", tokens.CONFIRM, 7)
    later = time.time() + tokens.CONFIRM_MAX_AGE_SECONDS + 10
    monkeypatch.setattr(time, "time", lambda: later)
    with pytest.raises(InvalidToken, match="expired"):
        read_token("secret", tokens.CONFIRM, token, max_age=tokens.CONFIRM_MAX_AGE_SECONDS)
