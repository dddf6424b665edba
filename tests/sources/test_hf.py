import datetime as dt
import json

import pytest

from newsletter.sources import arxiv, hf
from newsletter.sources.records import ParseError
from tests.support.cast import Cast
from tests.support.recorded import sample


@pytest.fixture
def daily():
    return {record.arxiv_id: record for record in hf.parse(sample("hf_daily_papers.json"))}


def _item(**paper):
    return Cast.hf_item(14233, **{"title": "T", "summary": "S", **paper})


def test_sample_has_ten_papers_with_upvotes_from_3_to_180(daily):
    upvotes = sorted(record.signals["upvotes"] for record in daily.values())
    assert len(daily) == 10
    assert (upvotes[0], upvotes[-1]) == (3, 180)


def test_six_sample_papers_are_also_in_the_arxiv_listing(daily):
    listed = {record.arxiv_id for record in arxiv.parse(sample("arxiv_cs.xml"))}
    assert len(listed & daily.keys()) == 6


def test_signals_come_from_both_levels_of_an_item(daily):
    assert daily["2611.14233"].signals == {
        "upvotes": 180,
        "comments": 14,
        "github_repo": "https://github.com/northbridge-ai/sparsekv",
        "github_stars": 1240,
        "organization": "Northbridge AI Lab",
        "submitted_at": "2026-11-23T00:15:00+00:00",
        "submitted_by": "AK",
        "hf_url": "https://huggingface.co/papers/2611.14233",
    }


def test_fields_the_api_leaves_out_are_absent_from_signals(daily):
    signals = daily["2611.13790"].signals
    assert signals["upvotes"] == 3 and signals["comments"] == 0
    assert not {"github_repo", "github_stars", "project_page", "organization"} & signals.keys()


def test_links_point_to_hf_arxiv_code_and_project(daily):
    assert daily["2611.14278"].links == {
        "hf": "https://huggingface.co/papers/2611.14278",
        "abstract": "https://arxiv.org/abs/2611.14278",
        "pdf": "https://arxiv.org/pdf/2611.14278",
        "code": "https://github.com/imoreau/ot-flow",
        "project": "https://imoreau.github.io/ot-flow",
    }


def test_paper_fields_give_authors_abstract_and_arxiv_date(daily):
    record = daily["2611.14306"]
    assert record.authors[0] == "Jonas Keller" and len(record.authors) == 4
    assert record.abstract.startswith("Bimanual manipulation requires")
    assert record.published.tzinfo == dt.UTC


def test_organization_at_the_top_level_is_used_when_the_paper_has_none():
    item = _item() | {"organization": {"name": "acme", "fullname": "Acme Research"}}
    (record,) = hf.parse(json.dumps([item]).encode())
    assert record.signals["organization"] == "Acme Research"


def test_a_paper_id_that_is_not_arxiv_is_kept_as_external_id_only():
    (record,) = hf.parse(json.dumps([_item(id="hf-original-42")]).encode())
    assert (record.external_id, record.arxiv_id) == ("hf-original-42", None)
    assert record.links == {"hf": "https://huggingface.co/papers/hf-original-42"}


def test_item_without_a_paper_id_is_rejected_naming_its_index():
    with pytest.raises(ParseError, match="item 1"):
        hf.parse(json.dumps([_item(), {"title": "no paper"}]).encode())


def test_empty_day_is_an_empty_list():
    assert hf.parse(b"[]") == []


def test_page_urls_step_through_pages_and_keep_the_base_query():
    urls = list(hf.page_urls(hf.API_URL + "?sort=trending", dt.date(2026, 11, 23), 50, max_pages=2))
    assert urls == [
        "https://huggingface.co/api/daily_papers?sort=trending&date=2026-11-23&p=0&limit=50",
        "https://huggingface.co/api/daily_papers?sort=trending&date=2026-11-23&p=1&limit=50",
    ]
