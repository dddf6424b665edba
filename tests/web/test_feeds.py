"""The Atom feeds: every topic's and one topic's latest papers, valid Atom, one entry per paper
with its summary, cached with validators so a polling reader mostly gets a 304."""

import datetime as dt

import feedparser
import pytest

from newsletter.config import OFFLINE_MODEL
from newsletter.models import Summary
from newsletter.summarize.prompt import PROMPT_VERSION
from newsletter.summarize.summaries import paper_hash
from newsletter.web import feeds
from tests.support.cast import TODAY

YESTERDAY = TODAY - dt.timedelta(days=1)


@pytest.fixture
def robotics(services) -> str:
    return services.taxonomy.by_name("Robotics").slug


@pytest.fixture
def two_editions(cast):
    """Yesterday's Robotics papers 1 and 2 (2 trending more), today's Robotics 3 and 4 (4 more),
    today's Theory paper 5."""
    cast.two_editions()
    cast.commit()


def parsed(response):
    feed = feedparser.parse(response.content)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/atom+xml")
    assert feed.bozo == 0, feed.bozo_exception
    return feed


def test_the_feed_of_every_topic_lists_the_newest_edition_first_in_trending_order(
        site, two_editions):
    feed = parsed(site.get("/feed.atom"))
    titles = [entry.title for entry in feed.entries]
    assert titles == [f"Paper number {n} about things" for n in (4, 3, 5, 2, 1)]
    assert feed.feed.links[0].href.endswith("/feed.atom")


def test_a_topic_feed_has_only_that_topics_papers(site, two_editions, robotics):
    feed = parsed(site.get(f"/topics/{robotics}/feed.atom"))
    assert [entry.title for entry in feed.entries] == [
        f"Paper number {n} about things" for n in (4, 3, 2, 1)]
    assert "Robotics" in feed.feed.title


def test_an_entry_is_one_paper_with_its_page_its_summary_and_the_day_it_entered(site, cast,
                                                                                    settings):
    cast.paper(1, topics=["Robotics"], tldr="It works.",
               summary={"highlights": ["It is fast.", "It is <b>cheap</b> & small."]},
               authors=["Ada Lovelace", "Alan Turing"])
    edition = cast.edition()
    cast.commit()
    [entry] = parsed(site.get("/feed.atom")).entries
    assert entry.link == f"{settings.base_url}/papers/2611.00001"
    assert entry.id == f"{settings.base_url}/papers/2611.00001"
    assert entry.summary == "It works."
    content = entry.content[0]
    assert content.type == "text/html"
    assert "<li>It is &lt;b&gt;cheap&lt;/b&gt; &amp; small.</li>" in content.value
    assert [author.name for author in entry.authors] == ["Ada Lovelace", "Alan Turing"]
    assert [tag.term for tag in entry.tags] == ["Robotics"]
    entered = dt.datetime(*entry.updated_parsed[:6])
    assert entered == edition.created_at.replace(microsecond=0)


def test_an_entry_keeps_its_id_when_the_papers_public_id_changes(site, cast, settings):
    web_paper = cast.paper(1, external_id="https://lab.example/post", arxiv_id=None,
                           kind="feed", url="https://lab.example/feed.xml")
    cast.edition()
    cast.commit()
    before = parsed(site.get("/feed.atom")).entries[0].id
    cast.store(cast.record(1, title=web_paper.title))
    cast.commit()
    after = parsed(site.get("/feed.atom")).entries[0]
    assert after.id == before and after.link.endswith("/papers/2611.00001")


def test_a_reader_polling_with_the_etag_or_the_date_gets_a_304(site, two_editions):
    first = site.get("/feed.atom")
    etag, modified = first.headers["etag"], first.headers["last-modified"]
    again = site.get("/feed.atom", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.content == b"" and again.headers["etag"] == etag
    by_date = site.get("/feed.atom", headers={"If-Modified-Since": modified})
    assert by_date.status_code == 304
    older = site.get("/feed.atom", headers={"If-Modified-Since": "Mon, 02 Jan 2006 15:04:05 GMT"})
    assert older.status_code == 200


def test_a_new_edition_changes_the_validators(site, cast):
    cast.paper(1)
    cast.edition(YESTERDAY)
    cast.commit()
    etag = site.get("/feed.atom").headers["etag"]
    cast.paper(2)
    cast.edition(TODAY)
    cast.commit()
    response = site.get("/feed.atom", headers={"If-None-Match": etag})
    assert response.status_code == 200 and len(parsed(response).entries) == 2


@pytest.fixture
def builds(monkeypatch) -> list[str | None]:
    """The topic (None: every topic) of each feed document built, as they are built."""
    built, build = [], feeds.document
    monkeypatch.setattr(feeds, "document", lambda session, settings, feed, topic: (
        built.append(topic), build(session, settings, feed, topic))[1])
    return built


def test_a_poll_answered_with_a_304_builds_no_feed(site, two_editions, robotics, builds):
    for path in ("/feed.atom", f"/topics/{robotics}/feed.atom"):
        first = site.get(path)
        assert first.status_code == 200 and len(builds) == 1
        by_tag = site.get(path, headers={"If-None-Match": first.headers["etag"]})
        by_date = site.get(path, headers={"If-Modified-Since": first.headers["last-modified"]})
        assert by_tag.status_code == by_date.status_code == 304
        assert by_tag.headers["etag"] == first.headers["etag"]
        assert len(builds) == 1
        builds.clear()


def test_each_feed_has_its_own_etag(site, two_editions, robotics):
    every, one = site.get("/feed.atom"), site.get(f"/topics/{robotics}/feed.atom")
    assert every.headers["etag"] != one.headers["etag"]
    poll = site.get("/feed.atom", headers={"If-None-Match": one.headers["etag"]})
    assert poll.status_code == 200


def test_a_new_edition_of_papers_stored_earlier_changes_the_etag(site, cast):
    cast.paper(1)
    cast.edition(YESTERDAY)
    cast.paper(2, topics=["Theory"])
    cast.commit()
    etag = site.get("/feed.atom").headers["etag"]
    cast.edition(TODAY)
    cast.commit()
    again = site.get("/feed.atom", headers={"If-None-Match": etag})
    assert again.status_code == 200
    assert [entry.title for entry in parsed(again).entries] == [
        "Paper number 2 about things", "Paper number 1 about things"]


def test_a_summary_made_after_the_edition_changes_the_etag(site, cast, session):
    """The day's step builds the edition, then summarizes: a reader who polled in between must
    get the summaries."""
    paper = cast.paper(1)
    cast.edition()
    cast.commit()
    first = site.get("/feed.atom")
    assert parsed(first).entries[0].summary == "Text."  # the abstract's first sentence
    session.add(Summary(content_hash=paper_hash(paper), requested_model=OFFLINE_MODEL,
                        model=OFFLINE_MODEL, prompt_version=PROMPT_VERSION, language="en",
                        fields={"tldr": "It works.", "highlights": []}))
    cast.commit()
    again = site.get("/feed.atom", headers={"If-None-Match": first.headers["etag"]})
    assert again.status_code == 200 and parsed(again).entries[0].summary == "It works."


def test_a_feed_before_any_edition_is_valid_and_empty(site, robotics):
    assert parsed(site.get(f"/topics/{robotics}/feed.atom")).entries == []
    assert parsed(site.get("/feed.atom")).entries == []


def test_an_unknown_topic_has_no_feed(site):
    assert site.get("/topics/no-such-topic/feed.atom").status_code == 404


def test_a_feed_carries_no_subscriber_data(site, cast, two_editions):
    cast.reader("private.person@example.org", topics=["Robotics"])
    cast.commit()
    body = site.get("/feed.atom").text + site.get("/topics/robotics/feed.atom").text
    assert "private.person" not in body and "/preferences/" not in body


def test_a_title_with_control_characters_still_makes_a_valid_feed(site, cast):
    cast.paper(1, title="Bad\x0b title\x1b")
    cast.edition()
    cast.commit()
    assert parsed(site.get("/feed.atom")).entries[0].title == "Bad title"


def test_pages_advertise_their_feeds(site, two_editions, robotics):
    alternate = '<link rel="alternate" type="application/atom+xml"'
    assert alternate in site.get("/editions").text and 'href="/feed.atom"' in site.get("/").text
    topic_page = site.get(f"/topics/{robotics}").text
    assert f'href="/topics/{robotics}/feed.atom"' in topic_page
