"""From the recorded feeds to `.eml` files in the outbox, read back as a mail client would."""

import datetime as dt
from pathlib import Path

import pytest

from newsletter.day import Day, run_daily
from newsletter.models import Delivery, Paper
from newsletter.sources import SourceSpec, sample_sources
from newsletter.subscribers import subscriptions
from tests.support.outbox import parts, read_outbox
from tests.support.recorded import SOURCES

TODAY = dt.date(2026, 11, 23)
CAST = {
    "ada@example.org": ["Large Language Models", "NLP"],
    "grace@example.org": ["Computer Vision"],
    "alan@example.org": [],
}


@pytest.fixture
def readers(cast):
    """The readers of CAST (the one of every topic reads up to 100 papers), and one sign-up
    still pending."""
    for address, topics in CAST.items():
        cast.reader(address, topics, max_papers=100 if not topics else None)
    cast.reader("pending@example.org", [], confirmed=False)
    cast.commit()


def run(services, specs=None):
    return run_daily(services, specs or sample_sources(), Day(TODAY))


def test_each_confirmed_subscriber_gets_one_digest_in_their_topics(services, session, readers):
    report = run(services)
    assert not report.failures
    messages = read_outbox(services.settings.outbox_dir)
    assert set(messages) == set(CAST)
    for address, topics in CAST.items():
        delivered = session.query(Delivery).filter(
            Delivery.subscriber_id == subscriptions.find_subscriber(session, address).id).one()
        assert delivered.paper_ids and len(delivered.paper_ids) == len(set(delivered.paper_ids))
        for paper_id in delivered.paper_ids:
            paper = session.get(Paper, paper_id)
            assert not topics or set(topics) & set(paper.topic_names), (address, paper.title)
            assert paper.title.split()[0] in parts(messages[address])[0]


def test_a_digest_is_multipart_with_list_headers_and_a_dated_counted_subject(
        services, session, readers):
    run(services)
    message = read_outbox(services.settings.outbox_dir)["grace@example.org"]
    assert message.get_content_type() == "multipart/alternative"
    assert "23 Nov 2026" in message["Subject"]
    count = len(session.query(Delivery).filter(Delivery.status == "sent").first().paper_ids)
    assert any(str(n) in message["Subject"] for n in range(1, 100))
    assert message["List-Unsubscribe"].startswith("<https://digest.example.org/unsubscribe/")
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert message["List-Id"]
    text, html = parts(message)
    assert "https://digest.example.org/preferences/" in text
    assert "1 Test Street" in text and "1 Test Street" in html
    assert count >= 1


def test_a_title_with_markup_is_shown_as_text(services, readers):
    hostile = SourceSpec("arxiv", (SOURCES / "arxiv_hostile_title.xml").as_uri())
    run(services, [*sample_sources(), hostile])
    text, html = parts(read_outbox(services.settings.outbox_dir)["alan@example.org"])
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;" in html
    assert "<script>alert(1)</script>" in text
    assert "{{ config }}" in text


def test_papers_from_several_sources_are_merged_not_repeated(services, session, readers):
    run(services)
    merged = [p for p in session.query(Paper) if len({s.source_kind for s in p.sources}) > 1]
    assert len(merged) >= 6
    text, _ = parts(read_outbox(services.settings.outbox_dir)["alan@example.org"])
    for paper in merged:
        assert text.count(paper.title) <= 1


def test_a_second_run_on_the_same_day_sends_nothing(services, readers):
    run(services)
    before = sorted(Path(services.settings.outbox_dir).glob("*.eml"))
    report = run(services)
    assert sorted(Path(services.settings.outbox_dir).glob("*.eml")) == before
    assert report.deliveries["sent"] == 0
    assert report.summaries["made"] == 0


def test_a_broken_source_is_reported_and_the_others_proceed(services, readers, tmp_path):
    broken = tmp_path / "error.html"
    broken.write_text("<html><body>502 Bad Gateway</body></html>")
    specs = [SourceSpec("arxiv", broken.as_uri()), SourceSpec("hf", (tmp_path / "missing.json").as_uri()),
             *sample_sources()]
    report = run(services, specs)
    assert [s.url for s in report.failures] == [specs[0].url, specs[1].url]
    assert all(s.error for s in report.failures)
    assert report.deliveries["sent"] == len(CAST)
