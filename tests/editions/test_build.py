"""Editions, what each subscriber gets, and the ledger that prevents double sends."""

import datetime as dt

import pytest

from newsletter.delivery import ledger
from newsletter.delivery.picks import Picker
from newsletter.delivery.plan import due_ids
from newsletter.editions import build
from newsletter.editions.sections import OTHER_TOPIC, group_by_topic
from newsletter.sources.records import PaperRecord
from newsletter.subscribers import subscriptions
from tests.support.cast import TODAY


def test_an_edition_ranks_papers_best_first_and_is_built_once(cast, session):
    cast.paper(1, topics=["NLP"], upvotes=0)
    cast.paper(2, topics=["NLP"], upvotes=150)
    edition = build.build_edition(session, TODAY)
    assert [entry.paper_id for entry in edition.papers] == ["2611.00002", "2611.00001"]
    cast.paper(3, topics=["NLP"])
    assert build.build_edition(session, TODAY) is edition
    assert len(edition.papers) == 2


def test_a_paper_in_an_earlier_edition_is_not_new_again(cast, session):
    cast.paper(1, topics=["NLP"])
    build.build_edition(session, TODAY)
    cast.paper(2, topics=["NLP"])
    tomorrow = build.build_edition(session, TODAY + dt.timedelta(days=1))
    assert [entry.paper_id for entry in tomorrow.papers] == ["2611.00002"]


def test_a_subscriber_gets_only_their_topics_and_none_chosen_means_all(cast, session, settings):
    cast.paper(1, topics=["Computer Vision"])
    cast.paper(2, topics=["NLP"])
    edition = build.build_edition(session, TODAY)
    vision = cast.reader("v@example.org", ["Computer Vision"])
    everyone = cast.reader("e@example.org", [])
    picks = Picker(session, settings, edition).picks([vision, everyone])
    assert [p.id for p in picks[vision.id]] == ["2611.00001"]
    assert len(picks[everyone.id]) == 2


def test_a_digest_holds_at_most_the_limit_and_never_a_paper_sent_before(cast, session, settings):
    cast.paper(29, topics=["NLP"], upvotes=29)
    yesterday = build.build_edition(session, TODAY - dt.timedelta(days=1))
    for number in range(29):
        cast.paper(number, topics=["NLP"], upvotes=number)
    edition = build.build_edition(session, TODAY)
    reader = cast.reader("r@example.org", ["NLP"], frequency="weekly")  # the week's papers
    sent_before(session, reader, yesterday, ["2611.00029"])
    picked = Picker(session, settings, edition).picks([reader])[reader.id]
    assert len(picked) == 25
    assert "2611.00029" not in [p.id for p in picked]
    assert picked[0].id == "2611.00028"


def sent_before(session, reader, edition, paper_ids) -> None:
    """The reader's digest of `edition` carried these papers, as the ledger records a send."""
    [row] = ledger.claim_digests(session, edition.id, {reader.id: paper_ids}).values()
    ledger.start_sending(session, [row])
    ledger.record(session, [ledger.Outcome(row, "msg-1")])
    session.commit()


def test_papers_are_grouped_under_the_first_topic_the_subscriber_chose():
    class FakePaper:
        def __init__(self, pid, topics):
            self.id, self.topic_names = pid, topics

    a, b, c = FakePaper("a", ["NLP", "Robotics"]), FakePaper("b", ["Robotics"]), FakePaper("c", [])
    sections = group_by_topic([a, b, c], ["Robotics"])
    assert [(s.topic, [p.id for p in s.papers]) for s in sections] == [
        ("Robotics", ["a", "b"]), (OTHER_TOPIC, ["c"])]
    # "Other" comes last even when it holds the best paper
    sections = group_by_topic([c, b], [])
    assert [s.topic for s in sections] == ["Robotics", OTHER_TOPIC]


def test_a_delivery_can_be_claimed_only_once(cast, session):
    cast.paper(1, topics=["NLP"])
    edition = build.build_edition(session, TODAY)
    reader = cast.reader("r@example.org", [])
    session.commit()
    picks = {reader.id: ["2611.00001"]}
    assert list(ledger.claim_digests(session, edition.id, picks)) == [reader.id]
    assert ledger.claim_digests(session, edition.id, picks) == {}
    assert due_ids(session, edition, None)[0] == []


def test_a_weekly_pool_is_the_weeks_editions_by_trending_score(cast, session):
    cast.paper(1, topics=["NLP"], upvotes=1)
    build.build_edition(session, TODAY - dt.timedelta(days=2))
    cast.paper(2, topics=["NLP"], upvotes=500)
    monday = build.build_edition(session, TODAY)
    weekly = [paper.id for paper in build.pool(session, monday, "weekly")]
    assert weekly == ["2611.00002", "2611.00001"]
    assert [paper.id for paper in build.pool(session, monday, "daily")] == ["2611.00002"]


def test_only_confirmed_subscribers_are_due(cast, session, services):
    edition = build.build_edition(session, TODAY)
    subscriptions.subscribe(session, "pending@example.org", [], services.taxonomy)
    left = cast.reader("left@example.org", [])
    subscriptions.unsubscribe(left)
    stays = cast.reader("stays@example.org", [])
    assert due_ids(session, edition, None)[0] == [stays.id]


@pytest.mark.parametrize("published", [None, dt.datetime.now(dt.UTC)],
                         ids=["a lab post without a date", "a lab post dated today"])
def test_a_past_edition_ranks_as_on_its_own_day_not_by_the_wall_clock(cast, session, published):
    day = TODAY - dt.timedelta(days=365)
    hit = cast.paper(1, topics=["NLP"], upvotes=150)
    hit.published_at = dt.datetime.combine(day, dt.time(2))
    _, lab_post = cast.store(  # undated, it counts as first seen now
        PaperRecord(external_id="tag:lab,2026:7", title="Our team's news this week",
                    published=published),
        kind="feed", url="file:///lab")
    edition = build.build_edition(session, day)
    assert [entry.paper_id for entry in edition.papers] == [hit.id, lab_post.id]
    assert hit.trending_score > 1.0  # a day old on its day: not 0.5 ** 243


def test_readers_of_the_same_shared_picks_and_language_share_one_digest(cast, session, settings):
    cast.paper(1, topics=["NLP"])
    edition = build.build_edition(session, TODAY)
    one, two = cast.reader("a@example.org", ["NLP"]), cast.reader("b@example.org", ["NLP"])
    german = cast.reader("c@example.org", ["NLP"], language="de")
    follower = cast.reader("f@example.org", ["NLP"], interests={"keywords": ["graphs"]})
    picker = Picker(session, settings, edition)
    picks = picker.picks([one, two, german, follower])
    digests = {reader.id: picker.digest(reader, picks[reader.id])
               for reader in (one, two, german, follower)}
    assert digests[one.id] is digests[two.id]
    assert digests[german.id] != digests[one.id] and digests[german.id].language == "de"
    assert digests[follower.id] is not digests[one.id]  # picked on its own
    assert digests[follower.id] == digests[one.id]  # but the same content, so one rendering
