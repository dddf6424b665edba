"""ReaderQueue: readers wait as ids, and their addresses are read when their batch leaves."""

from types import SimpleNamespace

from newsletter.delivery.batches import Member, ReaderQueue, WaitingReaders
from newsletter.delivery.digest import Digest, Pick

PAPERS = [Pick("2611.00001", ("Robotics",), "Because you chose Robotics")]


def reader(topics, language="en"):
    return SimpleNamespace(frequency="daily", language=language, topics=topics)


def queue_with(emails: dict[int, str], lookups: list, batch_size: int) -> ReaderQueue:
    def addresses(subscriber_ids):
        lookups.append(list(subscriber_ids))
        return {sid: (emails[sid], f"secret{sid}") for sid in subscriber_ids if sid in emails}

    return ReaderQueue(addresses, batch_size=batch_size)


def test_readers_of_one_digest_leave_together_with_the_addresses_read_then():
    emails = {sid: f"reader{sid}@example.com" for sid in range(1, 6)}
    lookups: list = []
    queue = queue_with(emails, lookups, batch_size=3)
    robotics = Digest.of(reader(["Robotics"]), PAPERS)
    assert queue.add(robotics, 101, 1) is None
    assert queue.add(Digest.of(reader(["Robotics"]), list(PAPERS)), 102, 2) is None
    assert lookups == []  # nothing is read while readers wait
    digest, waiting = queue.add(robotics, 103, 3)
    assert digest == robotics and lookups == []
    emails[3] = "changed3@example.com"
    assert queue.members([waiting]) == [[Member(101, 1, "reader1@example.com", "secret1"),
                                         Member(102, 2, "reader2@example.com", "secret2"),
                                         Member(103, 3, "changed3@example.com", "secret3")]]
    assert lookups == [[1, 2, 3]]


def test_drain_hands_out_every_waiting_digest_and_leaves_out_erased_readers():
    emails = {1: "a@example.com", 2: "b@example.com", 4: "d@example.com"}
    queue = queue_with(emails, [], batch_size=1000)
    english, german = Digest.of(reader([]), PAPERS), Digest.of(reader([], "de"), PAPERS)
    for delivery_id, subscriber_id, digest in [(11, 1, english), (12, 2, german),
                                                (13, 3, english), (14, 4, english)]:
        queue.add(digest, delivery_id, subscriber_id)
    digests, waiting = zip(*queue.drain())
    assert dict(zip(digests, queue.members(waiting))) == {
        english: [Member(11, 1, "a@example.com", "secret1"),
                  Member(14, 4, "d@example.com", "secret4")],
        german: [Member(12, 2, "b@example.com", "secret2")]}
    assert list(queue.drain()) == []


def test_waiting_readers_keep_their_pairs_in_order():
    waiting = WaitingReaders()
    for delivery_id, subscriber_id in [(7, 3), (5, 9), (8, 1)]:
        waiting.add(delivery_id, subscriber_id)
    assert len(waiting) == 3  # readers, not integers
    assert list(waiting) == [(7, 3), (5, 9), (8, 1)]
    assert list(waiting.subscriber_ids()) == [3, 9, 1]
