"""Merging records into papers: one paper per work, whatever the sources and their order."""

import datetime as dt

from newsletter.editions.trending import signals_of
from newsletter.ingest import papers
from newsletter.models import Paper
from newsletter.sources.records import PaperRecord
from tests.support.cast import Cast


def arxiv_record(**changes) -> PaperRecord:
    """Paper 1 as arXiv lists it."""
    return Cast.record(1, **{"version": 1, "title": "Sparse Mixtures of Experts at Scale",
                             "abstract": "We study experts.", "authors": ["Ada Lovelace"],
                             "categories": ["cs.LG"],
                             "links": {"abstract": "https://arxiv.org/abs/2611.00001"},
                             **changes})


def test_a_paper_carried_by_two_sources_is_one_paper_with_both_signals(cast, session):
    cast.store(arxiv_record(), kind="arxiv", url="file:///a")
    hf = arxiv_record(external_id="2611.00001", signals={"upvotes": 42}, abstract="")
    outcome, paper = cast.store(hf, kind="hf", url="file:///b")
    assert outcome == papers.MERGED
    assert session.query(Paper).count() == 1
    assert {s.source_kind for s in paper.sources} == {"arxiv", "hf"}
    assert signals_of(paper).upvotes == 42
    assert paper.abstract == "We study experts."


def test_a_feed_item_without_arxiv_id_matches_by_normalized_title(cast):
    cast.store(arxiv_record(), kind="arxiv", url="file:///a")
    blog = PaperRecord(external_id="https://lab.example/posts/moe", title="Sparse mixtures of "
                       "experts at scale!", links={"html": "https://lab.example/posts/moe"})
    outcome, paper = cast.store(blog, kind="feed", url="file:///c")
    assert (outcome, paper.id) == (papers.MERGED, "2611.00001")


def test_a_newer_version_replaces_the_text_and_the_older_does_not(cast):
    cast.store(arxiv_record(version=2, title="V2 title of the paper"),
               kind="arxiv", url="file:///a")
    _, paper = cast.store(arxiv_record(version=1), kind="arxiv-api",
                          url="file:///d")
    assert paper.title == "V2 title of the paper"
    cast.store(arxiv_record(version=3, title="V3 title of the paper",
                            abstract="New abstract."),
               kind="arxiv", url="file:///a")
    assert (paper.title, paper.abstract, paper.version) == ("V3 title of the paper",
                                                            "New abstract.", 3)


def test_the_same_record_twice_is_unchanged(cast):
    cast.store(arxiv_record(), kind="arxiv", url="file:///a")
    outcome, _ = cast.store(arxiv_record(), kind="arxiv", url="file:///a")
    assert outcome == papers.UNCHANGED


def test_items_without_arxiv_id_get_a_stable_id_from_their_guid():
    record = PaperRecord(external_id="tag:lab.example,2026:post-7", title="A post")
    assert papers.paper_id_for(record) == papers.paper_id_for(record)
    assert papers.paper_id_for(record).startswith("web:")


def test_two_papers_with_different_arxiv_ids_and_one_title_stay_two(cast):
    cast.store(arxiv_record(title="Big news from the lab"), kind="feed",
               url="file:///lab")
    other = arxiv_record(external_id="2611.00002", arxiv_id="2611.00002",
                         title="Big news from the lab")
    outcome, paper = cast.store(other, kind="feed", url="file:///lab")
    assert (outcome, paper.id) == (papers.NEW, "2611.00002")


def test_a_doi_matches_whatever_its_spelling():
    spellings = ["10.1214/26-AOS2481", "https://doi.org/10.1214/26-aos2481",
                 "http://dx.doi.org/10.1214/26-AOS2481", "doi: 10.1214/26-AOS2481"]
    assert {papers.normalize_doi(text) for text in spellings} == {"10.1214/26-aos2481"}


def test_a_replace_announcement_never_makes_a_paper_to_announce(cast):
    outcome, paper = cast.store(arxiv_record(announce_type="replace"),
                                kind="arxiv", url="file:///a")
    assert (outcome, paper.announce) == (papers.REVISION, False)
    blog = arxiv_record(version=None, title="Our paper, now in v2!", announce_type=None)
    outcome, paper = cast.store(blog, kind="feed", url="file:///lab")
    assert (outcome, paper.announce) == (papers.MERGED, False)


def test_arxivs_first_record_replaces_a_blogs_title_authors_and_categories(cast):
    blog = arxiv_record(version=None, title="We made experts sparse!", authors=["Lab Comms"],
                        categories=["Research"], abstract="A blog post.")
    cast.store(blog, kind="feed", url="file:///lab")
    _, paper = cast.store(arxiv_record(categories=["cs.LG", "cs.AI"]),
                          kind="arxiv", url="file:///a")
    assert (paper.title, paper.abstract) == ("Sparse Mixtures of Experts at Scale",
                                             "We study experts.")
    assert (paper.authors, paper.categories) == (["Ada Lovelace"], ["cs.LG", "cs.AI", "Research"])


def test_a_blog_post_after_arxiv_changes_no_text(cast):
    cast.store(arxiv_record(), kind="arxiv", url="file:///a")
    blog = arxiv_record(version=None, title="We made experts sparse!", authors=["Lab Comms"])
    _, paper = cast.store(blog, kind="feed", url="file:///lab")
    assert (paper.title, paper.authors) == ("Sparse Mixtures of Experts at Scale", ["Ada Lovelace"])


def test_a_backdated_paper_is_first_seen_when_published(cast):
    published = dt.datetime(2026, 10, 2, 9, tzinfo=dt.UTC)
    _, paper = cast.store(arxiv_record(published=published), kind="arxiv-api",
                          url="file:///api", backdate=True)
    assert paper.first_seen_at == dt.datetime(2026, 10, 2, 9)


def test_hugging_faces_summary_and_keywords_are_stored_cleaned_and_its_latest_word_wins(cast):
    _, paper = cast.store(cast.record(1, ai_summary=r"A \textbf{fast} solver for $\alpha$-nets.",
                                      ai_keywords=["**sparse** attention"]), kind="hf")
    assert paper.ai_summary == "A fast solver for α-nets."
    assert paper.ai_keywords == ["sparse attention"]
    cast.store(cast.record(1), kind="arxiv")  # a source without them keeps them
    assert paper.ai_summary == "A fast solver for α-nets."
    outcome, _ = cast.store(cast.record(1, ai_summary="Newer words."), kind="hf")
    assert (outcome, paper.ai_summary) == ("updated", "Newer words.")
