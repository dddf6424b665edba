"""Interests read in bulk for a delivery, on SQLite and on PostgreSQL."""

import pytest

from newsletter.personal import Interests
from newsletter.personal.store import interests_among


@pytest.fixture
def cast(cast_on_each_database):
    """Every test here runs on SQLite and on PostgreSQL."""
    return cast_on_each_database


def test_only_readers_who_follow_or_mute_something_have_interests(cast):
    follower, unfollowed, plain, blank = cast.readers(4, ["NLP"])
    follower.interests = {"authors": ["Y. LeCun"]}
    unfollowed.interests = {"authors": []}  # followed someone once, then stopped
    blank.interests = None
    cast.commit()
    found = interests_among(cast.session, [follower.id, unfollowed.id, plain.id, blank.id])
    assert list(found) == [follower.id]
    assert found[follower.id] == Interests.from_dict({"authors": ["Y. LeCun"]})
