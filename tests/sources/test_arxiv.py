import datetime as dt
from collections import Counter

import pytest

from newsletter.sources import arxiv
from newsletter.sources.records import ParseError
from tests.support.recorded import recorded, sample


@pytest.fixture
def listing():
    return {record.arxiv_id: record for record in arxiv.parse(sample("arxiv_cs.xml"))}


def test_sample_listing_has_thirty_items_of_every_announce_type(listing):
    kinds = Counter(record.announce_type for record in listing.values())
    assert len(listing) == 30
    assert kinds == {"new": 22, "cross": 6, "replace": 1, "replace-cross": 1}


def test_announcement_prefix_is_stripped_from_the_abstract(listing):
    abstract = listing["2611.14233"].abstract
    assert abstract.startswith("Serving large language models with long contexts")
    assert "Announce Type" not in abstract and "\n" not in abstract


def test_version_comes_from_the_guid_and_links_are_versionless(listing):
    record = listing["2611.00412"]
    assert (record.external_id, record.version) == ("2611.00412", 2)
    assert record.links == {
        "abstract": "https://arxiv.org/abs/2611.00412",
        "pdf": "https://arxiv.org/pdf/2611.00412",
    }


def test_authors_joined_with_and_are_split(listing):
    assert listing["2611.14201"].authors == ["Mira Okafor", "Daniel Reyes", "Yuki Tanaka"]
    assert listing["2611.14502"].authors == ["Zoë Müller", "Anil Kapoor", "Tobias Lund"]


def test_split_authors_handles_serial_comma_and_name_suffixes():
    assert arxiv.split_authors("Ann Lee, Bo Chen, and Cy Dee") == ["Ann Lee", "Bo Chen", "Cy Dee"]
    assert arxiv.split_authors("John Smith, Jr., Mary Roe") == ["John Smith, Jr.", "Mary Roe"]
    assert arxiv.split_authors("Alexander Andersson") == ["Alexander Andersson"]


def test_categories_keep_the_primary_first(listing):
    assert listing["2611.13902"].categories == ["q-bio.QM", "cs.LG"]


def test_doi_and_journal_reference_are_read_when_present(listing):
    replaced = listing["2611.01876"]
    assert replaced.doi == "10.1214/26-AOS2481"
    assert replaced.journal_ref == "Annals of Statistics 54(6), 2026"
    assert listing["2611.14233"].doi is None and listing["2611.14233"].journal_ref is None


def test_markup_in_a_title_stays_literal_text_for_the_renderer_to_escape():
    [record] = arxiv.parse(recorded("arxiv_hostile_title.xml"))
    title = record.title
    assert title == ("Attention Is <b>Not</b> All You Need: {{ config }} <script>alert(1)</script>")


def test_published_is_the_announcement_in_utc(listing):
    assert listing["2611.14233"].published == dt.datetime(2026, 11, 23, 5, tzinfo=dt.UTC)


def test_atom_listing_gives_the_same_fields():
    first, second = arxiv.parse(recorded("arxiv_atom_listing.xml"))
    assert (first.arxiv_id, first.version, first.announce_type) == ("2611.14233", 1, "new")
    assert first.authors == ["Wei Zhang", "Lena Hoffmann", "Arjun Mehta"]
    assert second.announce_type == "replace-cross"
    assert second.categories == ["math.ST", "stat.ML", "cs.LG"]
    assert second.doi == "10.1214/26-AOS2481"


def test_weekend_listing_is_empty_not_an_error():
    assert arxiv.parse(recorded("arxiv_weekend_empty.xml")) == []


def test_a_string_is_refused_because_feedparser_would_open_it_as_a_path():
    with pytest.raises(TypeError, match="bytes"):
        arxiv.parse("/etc/passwd")


def test_item_naming_no_arxiv_id_is_rejected():
    body = b"""<?xml version="1.0"?><rss version="2.0"><channel><title>x</title>
    <item><title>Lost</title><link>https://example.org/post</link></item></channel></rss>"""
    with pytest.raises(ParseError, match="Lost"):
        arxiv.parse(body)
