"""Search over every stored paper, on SQLite (FTS5) and on PostgreSQL (full-text search): the
same papers in the same order on both, whatever the query."""

import datetime as dt

import pytest
from sqlalchemy import select

from newsletter import day
from newsletter.models import PaperSearch
from newsletter.search.query import LAST_PAGE, Results, search


@pytest.fixture
def cast(cast_on_each_database):
    """Every test here runs on SQLite and on PostgreSQL."""
    return cast_on_each_database


def found(cast, query, **paging) -> list[str]:
    return [paper.id for paper in search(cast.session, query, **paging).papers]


@pytest.fixture
def library(cast):
    """Paper 1 on transformers by Ada Lovelace (10 upvotes); paper 2 on graph transformers by
    Alan Turing (50); paper 3 on diffusion, whose abstract mentions transformers (90); paper 4,
    the Résumé paper, by Émile Zola; in one edition, which gave them their trending scores."""
    cast.paper(1, title="Sparse Transformers for long documents", authors=["Ada Lovelace"],
               abstract="We make attention cheaper.", upvotes=10)
    cast.paper(2, title="Graph transformers at scale", authors=["Alan Turing"],
               abstract="Message passing meets attention.", upvotes=50)
    cast.paper(3, title="Diffusion without tears", authors=["Grace Hopper"],
               abstract="Unlike transformers, our denoiser is a small network.", upvotes=90)
    cast.paper(4, title="Résumé parsing with language models", authors=["Émile Zola"],
               abstract="Curricula vitae, read by machines.")
    cast.edition()
    cast.commit()


def test_a_word_finds_the_papers_with_it_in_the_title_first_then_the_most_discussed(cast,
                                                                                        library):
    assert found(cast, "transformers") == ["2611.00002", "2611.00001", "2611.00003"]


def test_each_word_begins_a_word_of_the_paper_and_every_word_must_match(cast, library):
    assert found(cast, "transform") == ["2611.00002", "2611.00001", "2611.00003"]
    assert found(cast, "sparse transformer") == ["2611.00001"]
    assert found(cast, "sparse diffusion") == []


def test_authors_are_searched_and_rank_after_titles(cast, library):
    assert found(cast, "turing") == ["2611.00002"]
    cast.paper(5, title="On Turing machines", authors=["Someone Else"], upvotes=1)
    cast.commit()  # in no edition yet: no trending score, and still first
    assert found(cast, "turing") == ["2611.00005", "2611.00002"]


def test_case_and_accents_do_not_matter(cast, library):
    assert found(cast, "RESUME") == ["2611.00004"]
    assert found(cast, "émile") == found(cast, "emile") == ["2611.00004"]


def test_the_summary_is_searched_once_a_run_has_summarized_the_paper(cast):
    paper = cast.paper(1, abstract="Nothing of note.", tldr="Zebra crossings, counted.")
    cast.commit()
    assert found(cast, "zebra") == []  # stored before its summary was
    day.summarize(cast.session, cast.services, [paper.id], ["en"])
    assert found(cast, "zebra") == ["2611.00001"]


def test_a_papers_new_text_replaces_its_old_words(cast, library):
    cast.store(cast.record(1, title="Dense retrieval revisited", abstract="Other words.",
                           version=2))
    cast.commit()
    assert "2611.00001" not in found(cast, "sparse")
    assert found(cast, "retrieval") == ["2611.00001"]
    assert len(cast.session.scalars(select(PaperSearch)).all()) == 4


@pytest.mark.parametrize("query", [
    '"', '""', "'", "*", "AND", "OR NOT", "NEAR(sparse attention)", "title: sparse",
    "sparse -attention", "^sparse", "{title}: x", "a & b | !c", "sparse:*A", "(((",
    "<script>alert(1)</script>", "'); DROP TABLE papers; --", "\x00", "\u202e", "🙂 sparse",
])
def test_a_hostile_query_is_only_words_and_never_an_error(cast, library, query):
    results = search(cast.session, query)
    assert all(term.isalnum() for term in results.terms)
    if query in ("sparse -attention", "sparse:*A", "🙂 sparse"):  # words paper 1 has
        assert [paper.id for paper in results.papers] == ["2611.00001"]


def test_a_query_without_words_finds_nothing(cast, library):
    assert found(cast, "  -- ** ") == []


def test_results_come_a_page_at_a_time(cast):
    for number in range(1, 26):
        cast.paper(number, title=f"Kernel method {number}", upvotes=number)
    cast.edition()
    cast.commit()
    first = search(cast.session, "kernel", size=20)
    assert len(first.papers) == 20 and first.has_next
    assert first.papers[0].id == "2611.00025"
    last = search(cast.session, "kernel", number=2, size=20)
    assert [paper.id for paper in last.papers] == [f"2611.{n:05d}" for n in range(5, 0, -1)]
    assert not last.has_next


def test_every_page_knows_how_many_papers_match_in_all(cast, library):
    pages = [search(cast.session, "transformers", number=n, size=2) for n in (1, 2, 3)]
    assert [(len(page.papers), page.total, page.pages) for page in pages] == [
        (2, 3, 2), (1, 3, 2), (0, 3, 2)]  # the third is past the end, and still knows
    assert search(cast.session, "sparse transformer").total == 1
    nothing = search(cast.session, "quantum chromodynamics")
    assert (nothing.total, nothing.pages) == (0, 0)



def test_the_pages_a_reader_can_turn_stop_at_the_last_one_served():
    assert Results([], [], 1, has_next=True, total=10_000, size=20).pages == LAST_PAGE


def test_a_paper_no_edition_carried_ranks_by_its_attention_too(cast, library):
    """A backfilled paper never reaches an edition; its upvotes still count in the ranking."""
    cast.store(cast.record(6, title="Everything everywhere", abstract="Attention, at last.",
                           published=dt.datetime(2025, 3, 4, 12), signals={"upvotes": 500}),
               kind="hf", url="file:///hf", backdate=True)
    cast.commit()
    assert found(cast, "attention") == ["2611.00006", "2611.00002", "2611.00001"]
