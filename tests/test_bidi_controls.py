"""Bidirectional controls in a feed (a right-to-left override in a title, say) are dropped at
ingest: the archive pages and the digests never carry them."""

import json
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from newsletter.day import Day, ingest, run_daily
from newsletter.models import Paper
from newsletter.sources import SourceSpec
from newsletter.sources.records import PaperRecord, without_bidi_controls
from newsletter.web import create_app
from tests.support.cast import TODAY
from tests.support.outbox import read_outbox

pytestmark = pytest.mark.own_database  # the app's sender thread reads the database too
FIXTURES = Path(__file__).parent / "fixtures" / "sources"
RLO, PDF, LRI, PDI = "\u202e", "\u202c", "\u2066", "\u2069"
# every bidirectional control Unicode has: marks, embeddings, overrides, isolates
CONTROLS = "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
FEED = f"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <title>A lab</title><id>urn:lab</id><updated>2026-11-23T06:00:00Z</updated>
  <entry>
    <title>Sparse attention {RLO}fdp.exe{PDF} for long contexts</title>
    <id>urn:lab:post-1</id><link href="https://lab.example/posts/1"/>
    <updated>2026-11-23T06:00:00Z</updated>
    <author><name>{LRI}Ada{PDI} Lovelace</name></author>
    <summary>We study {CONTROLS}attention over long documents in language models.</summary>
  </entry>
</feed>"""


def test_a_feeds_bidi_controls_reach_neither_the_pages_nor_the_digest(cast, services, session,
                                                                       tmp_path):
    cast.reader("ada@example.org", [])
    cast.commit()
    feed = tmp_path / "lab.xml"
    feed.write_text(FEED, encoding="utf-8")
    run_daily(services, [SourceSpec("feed", feed.as_uri())], Day(TODAY))
    [paper] = session.query(Paper).all()
    assert paper.title == "Sparse attention fdp.exe for long contexts"
    assert paper.authors == ["Ada Lovelace"]
    page = TestClient(create_app(services)).get(f"/editions/{TODAY.isoformat()}")
    assert "Sparse attention fdp.exe" in page.text
    [digest] = read_outbox(services.settings.outbox_dir).values()
    html, text = (digest.get_body((kind,)).get_content() for kind in ("html", "plain"))
    for shown in (page.text, html, text, digest["Subject"]):
        assert not set(CONTROLS) & set(shown)
    assert "Sparse attention fdp.exe" in text


def test_every_text_of_a_record_loses_its_controls():
    record = PaperRecord(external_id=f"id{RLO}", title=f"T{RLO}", abstract=f"A{LRI}",
                         authors=[f"B{PDI}"], links={"html": f"https://x/{RLO}"},
                         signals={"organization": f"Lab{RLO}", "upvotes": 3})
    clean = without_bidi_controls(record)
    assert (clean.external_id, clean.title, clean.abstract, clean.authors) == (
        "id", "T", "A", ["B"])
    assert clean.links == {"html": "https://x/"}
    assert clean.signals == {"organization": "Lab", "upvotes": 3}


def with_controls_in_xml(text: str) -> str:
    """Every title, summary and author name of a feed wrapped in bidi controls."""
    for tag, (before, after) in {"title": (RLO, PDF), "summary": (LRI, PDI),
                                 "name": (RLO, PDF)}.items():
        text = text.replace(f"<{tag}>", f"<{tag}>{before}").replace(f"</{tag}>", f"{after}</{tag}>")
    return text


def with_controls_in_hf(text: str) -> str:
    items = json.loads(text)
    for item in items:
        paper = item["paper"]
        for name in ("title", "summary", "ai_summary"):
            paper[name] = f"{RLO}{paper[name]}{PDF}"
        item["title"] = f"{RLO}{item['title']}{PDF}"
        for author in paper["authors"]:
            author["name"] = f"{LRI}{author['name']}{PDI}"
    return json.dumps(items, ensure_ascii=False)


@pytest.mark.parametrize("kind, fixture, with_controls", [
    ("arxiv", "arxiv_atom_listing.xml", with_controls_in_xml),
    ("arxiv-api", "arxiv_api_query.xml", with_controls_in_xml),
    ("hf", "hf_daily_papers_2026-08-20.json", with_controls_in_hf),
    ("feed", "lab_blog_mixed.atom", with_controls_in_xml),
])
def test_every_kind_of_source_loses_its_bidi_controls_at_ingest(
        session, services, tmp_path, kind, fixture, with_controls):
    recorded = (FIXTURES / fixture).read_text(encoding="utf-8")
    source = tmp_path / fixture
    source.write_text(with_controls(recorded), encoding="utf-8")
    assert set(CONTROLS) & set(source.read_text(encoding="utf-8"))
    report = ingest(session, SourceSpec(kind, source.as_uri()), Day(TODAY), services.settings)
    session.commit()
    papers = session.query(Paper).all()
    assert papers and report.error is None
    for paper in papers:
        stored = " ".join(str(getattr(paper, column.key)) for column in Paper.__table__.columns)
        assert not set(CONTROLS) & set(stored), paper.id
