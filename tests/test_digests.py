"""Editions, what each subscriber gets, and the ledger that prevents double sends."""

import datetime as dt

from newsletter import digests, ledger, papers, subscriptions
from newsletter.models import PaperTopic
from newsletter.sources.records import PaperRecord

TODAY = dt.date(2026, 11, 23)


def add_paper(session, number: int, topics: list[str], upvotes: int = 0):
    record = PaperRecord(external_id=f"2611.{number:05d}", arxiv_id=f"2611.{number:05d}",
                         title=f"Paper number {number} about things", abstract="Text.",
                         signals={"upvotes": upvotes})
    _, paper = papers.upsert_record(session, record, kind="hf", url="file:///hf")
    paper.topics = [PaperTopic(topic=t, rank=i) for i, t in enumerate(topics)]
    return paper


def add_subscriber(session, services, email, topics, **fields):
    subscriber = subscriptions.subscribe(session, email, topics, services.taxonomy, confirmed=True)
    for name, value in fields.items():
        setattr(subscriber, name, value)
    return subscriber


def test_an_edition_ranks_papers_best_first_and_is_built_once(session):
    add_paper(session, 1, ["NLP"], upvotes=0)
    add_paper(session, 2, ["NLP"], upvotes=150)
    edition = digests.build_edition(session, TODAY)
    assert [entry.paper_id for entry in edition.papers] == ["2611.00002", "2611.00001"]
    add_paper(session, 3, ["NLP"])
    assert digests.build_edition(session, TODAY) is edition
    assert len(edition.papers) == 2


def test_a_paper_in_an_earlier_edition_is_not_new_again(session):
    add_paper(session, 1, ["NLP"])
    digests.build_edition(session, TODAY)
    add_paper(session, 2, ["NLP"])
    tomorrow = digests.build_edition(session, TODAY + dt.timedelta(days=1))
    assert [entry.paper_id for entry in tomorrow.papers] == ["2611.00002"]


def test_a_subscriber_gets_only_their_topics_and_none_chosen_means_all(session, services):
    add_paper(session, 1, ["Computer Vision"])
    add_paper(session, 2, ["NLP"])
    edition = digests.build_edition(session, TODAY)
    vision = add_subscriber(session, services, "v@example.org", ["Computer Vision"])
    everyone = add_subscriber(session, services, "e@example.org", [])
    assert [p.id for p in digests.select_papers(vision, edition, set(), 25)] == ["2611.00001"]
    assert len(digests.select_papers(everyone, edition, set(), 25)) == 2


def test_a_digest_holds_at_most_the_limit_and_never_a_paper_sent_before(session, services):
    for number in range(30):
        add_paper(session, number, ["NLP"], upvotes=number)
    edition = digests.build_edition(session, TODAY)
    reader = add_subscriber(session, services, "r@example.org", ["NLP"])
    picked = digests.select_papers(reader, edition, {"2611.00029"}, 25)
    assert len(picked) == 25
    assert "2611.00029" not in [p.id for p in picked]
    assert picked[0].id == "2611.00028"


def test_papers_are_grouped_under_the_first_topic_the_subscriber_chose():
    class FakePaper:
        def __init__(self, pid, topics):
            self.id, self.topic_names = pid, topics

    a, b, c = FakePaper("a", ["NLP", "Robotics"]), FakePaper("b", ["Robotics"]), FakePaper("c", [])
    sections = digests.group_by_topic([a, b, c], ["Robotics"])
    assert [(s.topic, [p.id for p in s.papers]) for s in sections] == [
        ("Robotics", ["a", "b"]), (digests.OTHER_TOPIC, ["c"])]


def test_a_delivery_can_be_claimed_only_once(session, services):
    add_paper(session, 1, ["NLP"])
    edition = digests.build_edition(session, TODAY)
    reader = add_subscriber(session, services, "r@example.org", [])
    session.commit()
    picks = {reader.id: ["2611.00001"]}
    assert list(ledger.claim_digests(session, edition.id, picks)) == [reader.id]
    assert ledger.claim_digests(session, edition.id, picks) == {}
    assert digests.due_subscriber_ids(session, edition) == []


def test_a_weekly_pool_is_the_weeks_editions_by_trending_score(session):
    add_paper(session, 1, ["NLP"], upvotes=1)
    digests.build_edition(session, TODAY - dt.timedelta(days=2))
    add_paper(session, 2, ["NLP"], upvotes=500)
    monday = digests.build_edition(session, TODAY)
    weekly = [paper.id for paper in digests.pool(session, monday, "weekly")]
    assert weekly == ["2611.00002", "2611.00001"]
    assert [paper.id for paper in digests.pool(session, monday, "daily")] == ["2611.00002"]


def test_only_confirmed_subscribers_are_due(session, services):
    edition = digests.build_edition(session, TODAY)
    subscriptions.subscribe(session, "pending@example.org", [], services.taxonomy)
    left = add_subscriber(session, services, "left@example.org", [])
    subscriptions.unsubscribe(left)
    stays = add_subscriber(session, services, "stays@example.org", [])
    assert digests.due_subscriber_ids(session, edition) == [stays.id]


def test_a_past_edition_ranks_as_on_its_own_day_not_by_the_wall_clock(session):
    day = TODAY - dt.timedelta(days=365)
    hit = add_paper(session, 1, ["NLP"], upvotes=150)
    hit.published_at = dt.datetime.combine(day, dt.time(2))
    lab_post = papers.upsert_record(  # a lab's post without a date: first seen now
        session, PaperRecord(external_id="tag:lab,2026:7", title="Our team's news this week"),
        kind="feed", url="file:///lab")[1]
    edition = digests.build_edition(session, day)
    assert [entry.paper_id for entry in edition.papers] == [hit.id, lab_post.id]
    assert hit.trending_score > 1.0  # a day old on its day: not 0.5 ** 243
