import pytest

from newsletter.sources import arxiv, feed
from tests.support.recorded import sample


def _rss(*items: str) -> bytes:
    body = "".join(f"<item>{item}</item>" for item in items)
    channel = f"<channel><title>Lab</title>{body}</channel>"
    return f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0">{channel}</rss>'.encode()


@pytest.fixture
def blog():
    return feed.parse(sample("lab_blog.xml"))


def test_the_lab_blog_has_five_entries_two_about_listed_papers(blog):
    listed = {record.arxiv_id for record in arxiv.parse(sample("arxiv_cs.xml"))}
    assert len(blog) == 5
    assert [record.arxiv_id for record in blog if record.arxiv_id in listed] == [
        "2611.14233",
        "2611.00412",
    ]


def test_entry_linking_to_an_abstract_page_gets_that_arxiv_id(blog):
    record = blog[0]
    assert (record.external_id, record.arxiv_id, record.version) == (
        "2611.14233",
        "2611.14233",
        None,
    )
    assert record.links["abstract"] == "https://arxiv.org/abs/2611.14233"


def test_entry_linking_to_a_versioned_pdf_gets_id_and_version(blog):
    record = blog[1]
    assert (record.arxiv_id, record.version) == ("2611.00412", 2)
    assert record.links["html"] == "https://arxiv.org/pdf/2611.00412v2"


def test_blog_post_is_identified_by_its_guid(blog):
    assert blog[3].external_id == "tag:northbridge.ai,2026:blog/internships-2027"
    assert blog[3].arxiv_id is None


def test_post_citing_two_papers_is_about_neither(blog):
    assert blog[2].arxiv_id is None


def test_text_naming_exactly_one_paper_gets_its_id():
    (record,) = feed.parse(
        _rss(
            "<title>Our NeurIPS paper</title><link>https://lab.org/p</link>"
            "<description>Read it at arXiv:2611.14397v1</description>"
        )
    )
    assert (record.arxiv_id, record.version) == ("2611.14397", 1)


def test_summary_html_becomes_plain_text_without_scripts(blog):
    assert blog[2].abstract.startswith("Twelve months, nine checkpoints")
    assert "trackRead" not in blog[2].abstract and "<" not in blog[2].abstract
    assert "20× smaller" in blog[0].abstract


def test_full_content_stands_in_when_there_is_no_summary(blog):
    # the post's <h2> keeps a colon, so that it is not read as the start of the next sentence
    assert blog[4].abstract.startswith("Why success rate is not enough: Agents fail")


def test_html_title_is_turned_to_text(blog):
    assert blog[4].title == "A field guide to evaluating LLM agents"


def test_tracking_parameters_and_fragments_are_dropped_from_links(blog):
    assert blog[2].links["html"] == "https://northbridge.ai/blog/open-weight-lessons"
    assert blog[3].links["html"] == "https://northbridge.ai/blog/internships-2027"


def test_normalize_url_lowercases_the_host_and_drops_the_default_port():
    assert (
        feed.normalize_url("HTTPS://Lab.ORG:443/a?b=1&utm_campaign=x#top")
        == "https://lab.org/a?b=1"
    )


def test_item_without_guid_is_identified_by_its_normalized_link():
    (record,) = feed.parse(
        _rss("<title>Post</title><link>https://Lab.org/post?utm_source=rss</link>")
    )
    assert record.external_id == "https://lab.org/post"


def test_item_without_guid_or_link_is_skipped():
    assert feed.parse(_rss("<title>Nowhere</title><description>No link.</description>")) == []
