"""The formatting helpers shared by the HTML and the plain-text templates."""

import datetime

import pytest

from emails import filters


@pytest.mark.parametrize(
    "count, expected",
    [
        (1, "A1"),
        (3, "A1, A2, A3"),
        (4, "A1, A2, A3 et al."),
        (0, ""),
    ],
)
def test_authors_are_shortened_past_three(count, expected):
    assert filters.short_authors([f"A{n}" for n in range(1, count + 1)]) == expected


@pytest.mark.parametrize(
    "value, expected",
    [
        (950, "950"),
        (1000, "1k"),
        (1234, "1.2k"),
        (25_300, "25k"),
        (1_200_000, "1.2M"),
    ],
)
def test_large_numbers_are_compact(value, expected):
    assert filters.compact_number(value) == expected


def test_dates_are_english_whatever_the_locale():
    assert filters.long_date(datetime.date(2026, 11, 23)) == "Mon 23 Nov 2026"


@pytest.mark.parametrize(
    "url, expected",
    [
        ("https://arxiv.org/abs/1", True),
        ("http://example.org", True),
        ("javascript:alert(1)", False),
        ("/relative", False),
        ("https://", False),
        (None, False),
    ],
)
def test_only_absolute_http_urls_pass(url, expected):
    assert filters.is_http_url(url) is expected


def test_wrapping_indents_and_never_breaks_urls():
    url = "https://example.org/" + "x" * 90
    wrapped = filters.wrap(f"see {url} for more words " * 2, width=40, indent="  ", first="- ")
    lines = wrapped.splitlines()
    assert lines[0] == "- see"
    assert lines[1] == f"  {url}"
    assert all(line.startswith("  ") for line in lines[1:])


def test_footer_links_skip_missing_ones():
    links = filters.footer_links("https://p", None)
    assert links == [("Manage preferences", "https://p")]


def test_highlights_repeating_the_tldr_are_dropped_whatever_the_spacing_or_case():
    paper = {"tldr": "Halves  memory.", "highlights": ["halves memory.", "Keeps accuracy."]}
    assert filters.highlights_besides_tldr(paper) == ["Keeps accuracy."]


@pytest.mark.parametrize(
    "titles, count, expected",
    [
        (["Alpha", "Beta"], 2, "Alpha, and 1 more paper in NLP"),
        (["Alpha", "Beta"], 5, "Alpha, and 4 more papers in NLP"),
        (["Alpha"], 1, "Alpha (NLP)"),
        ([], 3, "3 new papers"),
    ],
)
def test_the_preheader_leads_with_the_first_title(titles, count, expected):
    sections = [{"topic": "NLP", "papers": [{"title": t} for t in titles]}] if titles else []
    assert filters.digest_preheader(sections, count) == expected


def test_signals_are_upvotes_comments_then_stars_each_only_when_known():
    assert filters.paper_signals({"upvotes": 42, "comments": 7, "github_stars": 1234}) == [
        "42 upvotes", "7 comments", "1.2k GitHub stars"]
    assert filters.paper_signals({"upvotes": None, "comments": 3}) == ["3 comments"]
