import pytest

from newsletter.sources import KINDS, SourceSpec, arxiv, parse, sample_sources
from newsletter.sources.fetch import fetch
from newsletter.sources.records import ParseError
from tests.support.recorded import sample


def test_every_documented_kind_has_a_parser():
    assert set(KINDS) == {"arxiv", "arxiv-api", "hf", "feed"}


def test_spec_reads_kind_and_url():
    spec = SourceSpec.parse(" arxiv=https://rss.arxiv.org/rss/cs.LG+cs.AI ")
    assert spec == SourceSpec("arxiv", "https://rss.arxiv.org/rss/cs.LG+cs.AI")
    assert str(spec) == "arxiv=https://rss.arxiv.org/rss/cs.LG+cs.AI"


def test_spec_keeps_equals_signs_inside_the_url():
    spec = SourceSpec.parse("hf=https://huggingface.co/api/daily_papers?date=2026-11-23")
    assert spec.url == "https://huggingface.co/api/daily_papers?date=2026-11-23"


def test_spec_accepts_file_urls():
    assert SourceSpec.parse("feed=file:///srv/feeds/lab.xml").kind == "feed"


def test_spec_with_unknown_kind_names_it():
    with pytest.raises(ValueError, match="'rss'"):
        SourceSpec.parse("rss=https://example.org/feed")


def test_spec_without_equals_names_the_bad_value():
    with pytest.raises(ValueError, match="'https://rss.arxiv.org/rss/cs.LG'"):
        SourceSpec.parse("https://rss.arxiv.org/rss/cs.LG")


def test_spec_with_a_url_that_is_not_http_or_file_is_rejected():
    with pytest.raises(ValueError, match="ftp://"):
        SourceSpec.parse("feed=ftp://example.org/feed.xml")


def test_parse_dispatches_on_kind():
    assert parse("arxiv", sample("arxiv_cs.xml")) == arxiv.parse(sample("arxiv_cs.xml"))


def test_parse_with_unknown_kind_raises_value_error_not_parse_error():
    with pytest.raises(ValueError, match="unknown source kind 'rss'") as caught:
        parse("rss", b"<rss/>")
    assert not isinstance(caught.value, ParseError)


def test_sample_sources_are_fetched_and_parsed_offline():
    counts = {}
    for spec in sample_sources():
        counts[spec.kind] = len(parse(spec.kind, fetch(spec.url).content))
        assert SourceSpec.parse(str(spec)) == spec
    assert counts == {"arxiv": 30, "hf": 10, "feed": 5}
