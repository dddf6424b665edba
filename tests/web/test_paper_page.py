"""A page per paper: everything we know and made about it, at one address; and no page of the
archive says anything about a subscriber."""

import html

import pytest

from newsletter.db import session_scope
from newsletter.sources.ids import arxiv_links
from tests.support.cast import TODAY, Cast

FULL = {"highlights": ["It is fast.", "It is small."], "summary": "The whole story.",
        "methodology": "How they did it.", "results": "What they measured.",
        "implications": "Why it matters."}


@pytest.fixture
def paper(cast):
    """Paper 1 on Hugging Face (42 upvotes, 7 comments, code) and arXiv, fully summarized,
    tagged Robotics and Theory, in the edition of 23 Nov 2026."""
    signals = {"upvotes": 42, "comments": 7, "github_repo": "https://github.com/lab/code",
               "project_page": "https://lab.example/project"}
    stored = cast.paper(1, topics=["Robotics", "Theory"], signals=signals, tldr="It works.",
                        summary=FULL, authors=["Ada Lovelace", "Alan Turing"])
    cast.store(cast.record(1, links=arxiv_links("2611.00001")), kind="arxiv")
    cast.edition()
    cast.commit()
    return stored


def test_a_paper_page_shows_the_paper_its_whole_summary_and_where_it_appeared(
        site, services, paper):
    page = html.unescape(site.get("/papers/2611.00001").text)
    for text in ("Paper number 1 about things", "Ada Lovelace, Alan Turing", "42 upvotes",
                 "7 comments", "Hugging Face Daily Papers, arXiv", "It works.", "It is fast.",
                 *(f"<h2 id=\"part-{n}\">{heading}</h2>" for n, heading in enumerate(
                     ("Summary", "Methodology", "Results", "Implications"), start=1)),
                 "The whole story.", "How they did it.", "What they measured.",
                 "Why it matters.", 'href="/editions/2026-11-23"',
                 'href="https://arxiv.org/abs/2611.00001"',
                 'href="https://arxiv.org/pdf/2611.00001"',
                 'href="https://github.com/lab/code"', 'href="https://lab.example/project"'):
        assert text in page, text
    for topic in ("Robotics", "Theory"):
        assert f'href="/topics/{services.taxonomy.by_name(topic).slug}"' in page
    assert page.count("It works.") == 1


def test_a_paper_not_summarized_yet_shows_its_abstract(site, cast):
    cast.paper(1, abstract="We find a thing. Then we test it.")
    cast.commit()
    page = site.get("/papers/2611.00001").text
    assert "not written yet" in page and "<details open>" in page and "Then we test it." in page
    assert "No edition has carried this paper yet." in page


def test_another_name_of_the_paper_redirects_to_its_one_address(site, paper):
    response = site.get("/papers/2611.00001v2", follow_redirects=False)
    assert response.status_code == 301 and response.headers["location"] == "/papers/2611.00001"


def test_a_paper_without_arxiv_id_has_a_page_under_our_id(site, cast):
    _, stored = cast.store(cast.record(1, external_id="https://lab.example/post",
                                       arxiv_id=None, title="A post from the lab"), kind="feed")
    cast.commit()
    response = site.get(f"/papers/{stored.id}")
    assert response.status_code == 200 and "A post from the lab" in response.text


@pytest.mark.parametrize("wanted", ["2611.09999", "web:0000", "nonsense", "2611.00001/../x"])
def test_an_unknown_paper_is_a_404_page(site, paper, wanted):
    response = site.get(f"/papers/{wanted}")
    assert response.status_code == 404 and "<h1>Page not found</h1>" in response.text


def test_no_page_of_the_archive_shows_anything_of_a_subscriber(site, services, cast, paper):
    reader = cast.reader("secret.reader@example.org", ["Robotics"], interests={
        "authors": ["Ada Lovelace"]})
    cast.commit()
    slug = services.taxonomy.by_name("Robotics").slug
    for path in ("/", "/editions", f"/editions/{TODAY}", f"/topics/{slug}",
                 "/papers/2611.00001"):
        page = site.get(path).text
        assert "secret.reader" not in page and reader.token_secret not in page, path
        assert "/feedback/" not in page and "/preferences/" not in page, path


def test_the_paper_and_topic_pages_read_the_same_on_sqlite_and_postgresql(stored_site):
    site, services = stored_site
    with session_scope(services.factory) as session:
        cast = Cast(session, services)
        cast.two_editions()
        title = "A post from the lab about attention"
        cast.store(cast.record(9, external_id="https://lab.example/post", arxiv_id=None,
                               title=title), kind="feed")
        cast.store(cast.record(8, title=title), kind="hf")  # merged: the web paper is 2611.00008
    topic = site.get("/topics/robotics").text
    order = [topic.index(f"Paper number {n}") for n in (4, 3, 2, 1)]
    assert order == sorted(order)
    assert site.get("/papers/2611.00004").status_code == 200
    assert title in site.get("/papers/2611.00008").text


def test_a_paper_page_credits_hugging_faces_tldr(site, cast):
    cast.paper(2, tldr="Our extract.", ai_summary="A robot learns fast.")
    cast.commit()
    page = html.unescape(site.get("/papers/2611.00002").text)
    assert "A robot learns fast." in page and "TL;DR: Hugging Face" in page
    assert "Our extract." not in page
