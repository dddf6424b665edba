"""Interests read in bulk for a delivery, on SQLite and on PostgreSQL."""

import pytest

from newsletter.db import session_scope
from newsletter.personal import Interests
from newsletter.personal.store import interests_among
from tests.support.cast import Cast
from tests.support.databases import services_with


@pytest.fixture(params=["sqlite", "postgresql"])
def cast(request, services):
    if request.param == "postgresql":
        services = services_with(services, request.getfixturevalue("postgres_factory"))
    with session_scope(services.factory) as session:
        yield Cast(session, services)


def test_only_readers_who_follow_or_mute_something_have_interests(cast):
    follower, unfollowed, plain, blank = cast.readers(4, ["NLP"])
    follower.interests = {"authors": ["Y. LeCun"]}
    unfollowed.interests = {"authors": []}  # followed someone once, then stopped
    blank.interests = None
    cast.commit()
    found = interests_among(cast.session, [follower.id, unfollowed.id, plain.id, blank.id])
    assert list(found) == [follower.id]
    assert found[follower.id] == Interests.from_dict({"authors": ["Y. LeCun"]})
