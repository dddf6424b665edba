"""/search: the papers a query finds as cards, paged; a query too long, empty or hostile answers
a page that says what happened, with what was typed shown as text."""

import pytest

from newsletter.search.query import LONGEST_QUERY, PAGE_SIZE


@pytest.fixture
def library(cast):
    cast.paper(1, title="Sparse transformers", tldr="Attention, made cheaper.",
               authors=["Ada Lovelace"])
    cast.paper(2, title="Graph networks")
    cast.edition()
    cast.commit()


def test_the_results_are_cards_linking_to_the_papers_pages(site, library):
    response = site.get("/search", params={"q": "sparse transformer"})
    assert response.status_code == 200
    page = response.text
    assert '<article class="paper">' in page and "Attention, made cheaper." in page
    assert 'href="/papers/2611.00001"' in page and "Graph networks" not in page
    assert "1 paper matches “<bdi>sparse transformer</bdi>”" in page and " of 1)" not in page


def test_a_query_that_finds_nothing_says_so(site, library):
    page = site.get("/search", params={"q": "quantum chromodynamics"}).text
    assert "No stored paper matches “<bdi>quantum chromodynamics</bdi>”" in page


def test_an_empty_query_invites_one(site):
    for query in ({}, {"q": ""}, {"q": "   "}):
        response = site.get("/search", params=query)
        assert response.status_code == 200 and "Type a few words to search" in response.text


def test_a_query_too_long_answers_a_clear_page(site, library):
    response = site.get("/search", params={"q": "a" * 500})
    assert response.status_code == 200
    assert f"That search is 500 characters long; a search can be at most {LONGEST_QUERY}" in (
        response.text)


@pytest.mark.parametrize("query", ['<script>alert(1)</script>', '"sparse" OR title:*',
                                   "'); DROP TABLE papers; --", '"><img src=x onerror=alert(1)>'])
def test_a_hostile_query_is_shown_escaped(site, library, query):
    response = site.get("/search", params={"q": query})
    assert response.status_code == 200
    assert "<script>alert" not in response.text and "<img src=x" not in response.text
    assert "&lt;" in response.text or "&#34;" in response.text or "&#39;" in response.text


def test_a_query_without_a_word_says_there_is_nothing_to_look_for(site, library):
    page = site.get("/search", params={"q": "** -- ::"}).text
    assert "There is no word to search for" in page


def test_results_are_paged(site, cast):
    for number in range(1, PAGE_SIZE + 3):
        cast.paper(number, title=f"Kernel method {number}", upvotes=number)
    cast.edition()
    cast.commit()
    first = site.get("/search", params={"q": "kernel"}).text
    assert first.count('<article class="paper">') == PAGE_SIZE
    assert f"{PAGE_SIZE + 2} papers match “<bdi>kernel</bdi>”" in first
    assert "(page 1 of 2)" in first and "Page 1 of 2" in first
    assert 'rel="next" href="/search?q=kernel&amp;page=2"' in first
    second = site.get("/search", params={"q": "kernel", "page": 2}).text
    assert second.count('<article class="paper">') == 2 and 'rel="prev" href="/search?q=kernel"' in second
    assert "(page 2 of 2)" in second
    past = site.get("/search", params={"q": "kernel", "page": 3}).text
    assert f"past the last page ({PAGE_SIZE + 2} papers match, on 2 pages)" in past
    assert site.get("/search", params={"q": "kernel", "page": 0}).status_code == 422


def test_the_archive_pages_have_a_search_box(site, library, services):
    slug = services.taxonomy.by_name("NLP").slug
    for path in ("/editions", "/editions/2026-11-23", f"/topics/{slug}"):
        assert 'action="/search"' in site.get(path).text, path


def test_search_shows_no_subscriber_data(site, cast, library):
    cast.reader("private.person@example.org", topics=["NLP"])
    cast.commit()
    page = site.get("/search", params={"q": "private person example"}).text
    assert "private.person" not in page and "No stored paper matches" in page
