"""Tokens: the fast signing of a subscriber's links makes itsdangerous's own tokens."""

import time

import pytest
from itsdangerous import URLSafeTimedSerializer

from newsletter.subscribers import tokens
from newsletter.subscribers.tokens import (
    InvalidToken,
    make_link_token,
    make_token,
    read_link_token,
    read_text_token,
)

IDS = [0, 1, 42, 2**31 - 1, 9_999_999_999, 10**10, -1, -99_999_999, -10**8, 2**63]
SECRETS = ["Zm9vYmFyYmF6", "a", "-_-_AbC09xY", "not fast: spaces", "ünï"]


@pytest.mark.parametrize("stamp", [0, 1, 255, 256, 1_763_900_000.7, 2**31])
@pytest.mark.parametrize("key", ["secret", "clé ünïcode"])
def test_link_tokens_are_itsdangerous_tokens(monkeypatch, stamp, key):
    monkeypatch.setattr(time, "time", lambda: stamp)
    for purpose in (tokens.UNSUBSCRIBE, tokens.PREFERENCES, "feedback"):
        theirs = URLSafeTimedSerializer(key, salt=f"newsletter.{purpose}")
        for value in IDS:
            for secret in SECRETS:
                token = make_link_token(key, purpose, value, secret)
                assert token == theirs.dumps([value, secret])
                found = read_link_token(key, purpose, token)
                assert (found.subscriber_id, found.secret, found.signed_at) == (
                    value, secret, int(stamp))


def test_a_payload_itsdangerous_would_compress_is_read_all_the_same():
    token = make_link_token("secret", tokens.PREFERENCES, 0, "0" * 22)  # never compressed here
    theirs = URLSafeTimedSerializer("secret", salt="newsletter.preferences")
    assert theirs.loads(token) == [0, "0" * 22] and theirs.dumps([0, "0" * 22]).startswith(".")


def test_a_token_of_an_id_alone_reads_as_one_without_a_secret():
    found = read_link_token("secret", tokens.UNSUBSCRIBE, make_token("secret", tokens.UNSUBSCRIBE,
                                                                     7))
    assert (found.subscriber_id, found.secret) == (7, None)


@pytest.mark.parametrize("value", [True, "7", [7], [7, 8], [True, "s"], {"id": 7}])
def test_a_signed_value_that_names_no_subscriber_is_refused(value):
    with pytest.raises(InvalidToken):
        read_link_token("secret", tokens.CONFIRM, make_token("secret", tokens.CONFIRM, value))


def test_csrf_nonces_are_signed_text():
    assert read_text_token("secret", tokens.CSRF, make_token("secret", tokens.CSRF, "nonce")) \
        == "nonce"


def test_a_token_for_another_purpose_or_key_is_rejected():
    token = make_link_token("secret", tokens.UNSUBSCRIBE, 7, "s")
    with pytest.raises(InvalidToken):
        read_link_token("secret", tokens.PREFERENCES, token)
    with pytest.raises(InvalidToken):
        read_link_token("other", tokens.UNSUBSCRIBE, token)


def test_confirmation_tokens_expire(monkeypatch):
    token = make_link_token("secret", tokens.CONFIRM, 7, "s")
    later = time.time() + tokens.CONFIRM_MAX_AGE_SECONDS + 10
    monkeypatch.setattr(time, "time", lambda: later)
    with pytest.raises(InvalidToken, match="expired"):
        read_link_token("secret", tokens.CONFIRM, token, max_age=tokens.CONFIRM_MAX_AGE_SECONDS)


def test_new_secrets_are_random_and_as_long_as_the_fit_limit_assumes():
    made = {tokens.new_secret() for _ in range(100)}
    assert len(made) == 100 and {len(secret) for secret in made} == {tokens.SECRET_CHARS}
