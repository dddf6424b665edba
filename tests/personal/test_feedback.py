import pytest

from newsletter.personal.feedback import (
    FEEDBACK,
    LESS,
    MORE,
    paper_feedback_url,
    read_vote,
    reader_feedback_url,
)
from newsletter.subscribers.tokens import (
    PREFERENCES,
    InvalidToken,
    make_link_token,
    read_link_token,
)

SECRET = "test-secret"
BASE = "https://digest.example.org"


def test_a_token_carries_the_reader():
    found = read_link_token(SECRET, FEEDBACK, make_link_token(SECRET, FEEDBACK, 7, "s3cret"))
    assert (found.subscriber_id, found.secret) == (7, "s3cret")


def test_a_tampered_token_is_rejected():
    payload, signature = make_link_token(SECRET, FEEDBACK, 7, "s").rsplit(".", 1)
    forged = make_link_token(SECRET, FEEDBACK, 8, "s").rsplit(".", 1)[0]
    with pytest.raises(InvalidToken):
        read_link_token(SECRET, FEEDBACK, forged + "." + signature)
    with pytest.raises(InvalidToken):
        read_link_token(SECRET, FEEDBACK, payload + "." + signature[::-1])


def test_a_token_signed_with_another_key_is_rejected():
    with pytest.raises(InvalidToken):
        read_link_token(SECRET, FEEDBACK, make_link_token("other-secret", FEEDBACK, 7, "s"))


def test_a_token_for_another_purpose_is_rejected():
    with pytest.raises(InvalidToken):
        read_link_token(SECRET, FEEDBACK, make_link_token(SECRET, PREFERENCES, 7, "s"))


def test_a_link_says_more_or_less_and_nothing_else():
    assert (read_vote("more"), read_vote("less")) == (MORE, LESS)
    with pytest.raises(InvalidToken):
        read_vote("much-more")


def test_a_paper_link_holds_the_reader_token_the_paper_and_the_vote():
    reader = reader_feedback_url(BASE, "tok")
    assert paper_feedback_url(reader, "2401.00001", MORE) == f"{BASE}/feedback/tok/2401.00001/more"
    assert paper_feedback_url(reader, "hep-th/9901001", LESS).endswith("/hep-th/9901001/less")
    assert paper_feedback_url(reader, "web:a b?", LESS).endswith("/web:a%20b%3F/less")
