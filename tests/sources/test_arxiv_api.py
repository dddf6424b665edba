import datetime as dt
from urllib.parse import parse_qs, urlsplit

import pytest

from newsletter.sources import arxiv_api
from tests.support.recorded import recorded


@pytest.fixture
def page():
    return arxiv_api.parse(recorded("arxiv_api_query.xml"))


def test_entry_gives_versionless_id_and_version(page):
    assert [(r.arxiv_id, r.version) for r in page] == [("2611.00412", 2), ("2611.01876", 2)]


def test_title_and_abstract_are_unwrapped(page):
    assert page[0].title == "Mixture-of-Experts Routing Collapse and How to Prevent It"
    assert page[0].abstract.startswith("Mixture-of-experts language models activate")
    assert "\n" not in page[0].abstract


def test_authors_are_listed_in_order(page):
    assert page[0].authors == ["Tom Hansen", "Yasmin Farouk", "Ji-ho Lee", "Patrick O'Neill"]


def test_primary_category_comes_first_without_repeats(page):
    assert page[0].categories == ["cs.LG", "cs.CL"]
    assert page[1].categories == ["math.ST", "stat.ML", "cs.LG"]


def test_doi_and_journal_ref_are_read(page):
    assert (page[1].doi, page[1].journal_ref) == (
        "10.1214/26-AOS2481",
        "Annals of Statistics 54(6), 2026",
    )
    assert page[0].doi is None


def test_links_are_canonical_https_without_version(page):
    assert page[0].links == {
        "abstract": "https://arxiv.org/abs/2611.00412",
        "pdf": "https://arxiv.org/pdf/2611.00412",
    }


def test_query_urls_page_through_the_requested_range():
    urls = arxiv_api.query_urls("cat:cs.LG AND ti:diffusion", 100, 250)
    assert urls == [
        f"https://export.arxiv.org/api/query?search_query=cat%3Acs.LG+AND+ti%3Adiffusion"
        f"&start={start}&max_results={count}&sortBy=submittedDate&sortOrder=descending"
        for start, count in [(100, 100), (200, 100), (300, 50)]
    ]


def test_query_urls_refuse_pages_larger_than_the_api_serves():
    with pytest.raises(ValueError, match="paging"):
        arxiv_api.query_urls("cat:cs.LG", page_size=5000)


def test_ids_are_asked_for_in_batches_each_once():
    ids = [f"2611.{n:05d}" for n in range(250)] + ["2611.00000"]
    urls = arxiv_api.id_list_urls(ids, base_url="https://api.test/query", chunk=100)
    batches = [parse_qs(urlsplit(url).query) for url in urls]
    assert [b["max_results"] for b in batches] == [["100"], ["100"], ["50"]]
    assert batches[2]["id_list"] == [",".join(ids[200:250])]


def test_a_date_range_query_names_whole_days_and_either_category():
    query = arxiv_api.date_range_query(["cs.LG", "cs.AI"], dt.date(2026, 2, 27), dt.date(2026, 3, 1))
    assert query == "(cat:cs.LG OR cat:cs.AI) AND submittedDate:[202602270000 TO 202603012359]"


def test_a_date_range_must_run_forwards():
    with pytest.raises(ValueError):
        arxiv_api.date_range_query(["cs.LG"], dt.date(2026, 3, 2), dt.date(2026, 3, 1))
