import pytest
from itsdangerous import URLSafeSerializer

from newsletter.personal import LESS, MORE, Vote, make_feedback_token, read_feedback_token
from newsletter.tokens import PREFERENCES, InvalidToken, make_token

SECRET = "test-secret"


def test_a_token_carries_subscriber_paper_and_vote():
    token = make_feedback_token(SECRET, 7, "2401.00001", LESS)
    assert read_feedback_token(SECRET, token) == Vote(7, "2401.00001", LESS)


def test_a_tampered_token_is_rejected():
    token = make_feedback_token(SECRET, 7, "2401.00001", MORE)
    payload, signature = token.rsplit(".", 1)
    forged = URLSafeSerializer("guess", salt="newsletter.feedback").dumps([8, "2401.00001", 1])
    with pytest.raises(InvalidToken):
        read_feedback_token(SECRET, forged.rsplit(".", 1)[0] + "." + signature)
    with pytest.raises(InvalidToken):
        read_feedback_token(SECRET, payload + "." + signature[::-1])


def test_a_token_signed_with_another_key_is_rejected():
    with pytest.raises(InvalidToken):
        read_feedback_token(SECRET, make_feedback_token("other-secret", 7, "2401.00001", MORE))


def test_a_token_for_another_purpose_is_rejected():
    with pytest.raises(InvalidToken):
        read_feedback_token(SECRET, make_token(SECRET, PREFERENCES, 7))


def test_a_validly_signed_token_without_a_vote_is_rejected():
    # the right key and purpose, but a payload no version of this code writes
    odd = URLSafeSerializer(SECRET, salt="newsletter.feedback").dumps([7, "2401.00001", 5])
    with pytest.raises(InvalidToken):
        read_feedback_token(SECRET, odd)


def test_only_more_or_less_can_be_signed():
    with pytest.raises(ValueError):
        make_feedback_token(SECRET, 7, "2401.00001", 0)
