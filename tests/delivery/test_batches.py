"""DigestGroups: readers wait as ids, and their addresses are read when their batch leaves."""

import datetime as dt
from types import SimpleNamespace

from newsletter.delivery.batches import Digest, DigestGroups, Member
from newsletter.delivery.picks import Pick

PAPERS = [Pick("2611.00001", ("Robotics",), "Because you chose Robotics")]


def reader(topics, language="en"):
    return SimpleNamespace(frequency="daily", language=language, topics=topics)


def groups_with(emails: dict[int, str], lookups: list, batch_size: int) -> DigestGroups:
    def addresses(subscriber_ids):
        lookups.append(list(subscriber_ids))
        return {sid: (emails[sid], f"secret{sid}") for sid in subscriber_ids if sid in emails}

    return DigestGroups(None, dt.date(2026, 11, 23), 1, None, addresses, batch_size=batch_size)


def test_readers_of_one_digest_leave_together_with_the_addresses_read_then():
    emails = {sid: f"reader{sid}@example.com" for sid in range(1, 6)}
    lookups: list = []
    groups = groups_with(emails, lookups, batch_size=3)
    robotics = Digest.of(reader(["Robotics"]), PAPERS)
    assert groups.add(robotics, 101, 1) is None
    assert groups.add(Digest.of(reader(["Robotics"]), list(PAPERS)), 102, 2) is None
    assert lookups == []  # nothing is read while readers wait
    digest, waiting = groups.add(robotics, 103, 3)
    assert digest == robotics and lookups == []
    emails[3] = "changed3@example.com"
    assert groups.members([waiting]) == [[Member(101, 1, "reader1@example.com", "secret1"),
                                          Member(102, 2, "reader2@example.com", "secret2"),
                                          Member(103, 3, "changed3@example.com", "secret3")]]
    assert lookups == [[1, 2, 3]]


def test_drain_hands_out_every_waiting_digest_and_leaves_out_erased_readers():
    emails = {1: "a@example.com", 2: "b@example.com", 4: "d@example.com"}
    groups = groups_with(emails, [], batch_size=1000)
    english, german = Digest.of(reader([]), PAPERS), Digest.of(reader([], "de"), PAPERS)
    for delivery_id, subscriber_id, digest in [(11, 1, english), (12, 2, german),
                                                (13, 3, english), (14, 4, english)]:
        groups.add(digest, delivery_id, subscriber_id)
    digests, waiting = zip(*groups.drain())
    assert dict(zip(digests, groups.members(waiting))) == {
        english: [Member(11, 1, "a@example.com", "secret1"),
                  Member(14, 4, "d@example.com", "secret4")],
        german: [Member(12, 2, "b@example.com", "secret2")]}
    assert list(groups.drain()) == []


def test_digests_differ_by_reasons_and_equal_ones_hash_alike():
    other = [Pick("2611.00001", ("Robotics",), "Because you follow A. Author", True)]
    same = Digest.of(reader(["Robotics"]), [Pick("2611.00001", ("Robotics",),
                                                      "Because you chose Robotics")])
    assert same == Digest.of(reader(["Robotics"]), PAPERS)
    assert hash(same) == hash(Digest.of(reader(["Robotics"]), PAPERS))
    assert Digest.of(reader(["Robotics"]), other) != same
