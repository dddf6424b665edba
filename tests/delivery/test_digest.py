"""Digests and picks: equal by every value an email shows, hashed alike when equal."""

from types import SimpleNamespace

from newsletter.delivery.digest import Digest, Pick

ROBOTICS = SimpleNamespace(frequency="daily", language="en", topics=["Robotics"])
CHOSEN = Pick("2611.00001", ("Robotics",), "Because you chose Robotics")


def test_digests_differ_by_reasons_and_equal_ones_hash_alike():
    other = [Pick("2611.00001", ("Robotics",), "Because you follow A. Author", True)]
    same = Digest.of(ROBOTICS, [Pick("2611.00001", ("Robotics",), "Because you chose Robotics")])
    assert same == Digest.of(ROBOTICS, [CHOSEN])
    assert hash(same) == hash(Digest.of(ROBOTICS, [CHOSEN]))
    assert Digest.of(ROBOTICS, other) != same


def test_readers_who_chose_the_same_topics_in_another_order_get_one_digest():
    reordered = SimpleNamespace(frequency="daily", language="en", topics=["Theory", "Robotics"])
    ordered = SimpleNamespace(frequency="daily", language="en", topics=["Robotics", "Theory"])
    assert Digest.of(reordered, [CHOSEN]) == Digest.of(ordered, [CHOSEN])
    assert len({Digest.of(reordered, [CHOSEN]), Digest.of(ordered, [CHOSEN])}) == 1


def test_a_digest_is_never_equal_to_a_pick_or_a_tuple():
    digest = Digest.of(ROBOTICS, [CHOSEN])
    assert digest != CHOSEN and digest != ("daily", "en", ("Robotics",), (CHOSEN,))
    assert digest.paper_ids == ("2611.00001",)
