"""Titles and summaries come from the internet: they are shown as text, never run or compiled."""

import pytest

from emails import render

HOSTILE = r"<script>alert(1)</script> {{ 7*7 }} $\alpha$ 😀 مرحبا"
ESCAPED = r"&lt;script&gt;alert(1)&lt;/script&gt; {{ 7*7 }} $\alpha$ 😀 مرحبا"


@pytest.fixture
def email(digest, section, paper):
    hostile = paper(
        1,
        title=HOSTILE,
        tldr=HOSTILE,
        highlights=[f"Highlight: {HOSTILE}"],
        authors=[HOSTILE],
        organization=HOSTILE,
        topics=[HOSTILE],
    )
    sections = [section(HOSTILE, [hostile])]
    overflow = [{"title": HOSTILE, "url": "https://arxiv.org/abs/2611.00002"}]
    return render("digest", digest(sections=sections, overflow=overflow, recipient=HOSTILE))


def test_hostile_text_is_escaped_in_html(email):
    assert "<script" not in email.html
    assert email.html.count(ESCAPED) >= 7


def test_hostile_text_is_literal_in_the_text_part(email):
    assert email.text.count(HOSTILE) >= 5


def test_template_syntax_in_data_is_never_evaluated(email):
    assert "49" not in email.html and "49" not in email.text
    assert "49" not in email.subject


def test_right_to_left_titles_get_their_own_direction(email):
    assert '<h3 dir="auto"' in email.html and '<ul dir="auto">' in email.html
    assert '<li dir="auto"><a href="https://arxiv.org/abs/2611.00002"' in email.html


def test_names_are_isolated_so_they_cannot_reorder_the_author_line(email):
    assert f"<bdi>{ESCAPED}</bdi> · <bdi>{ESCAPED}</bdi>" in email.html


def test_quotes_cannot_break_out_of_an_attribute(digest, section, paper):
    sneaky = section("NLP", [paper(1)]) | {"anchor": 'x" onmouseover="alert(1)'}
    html = render("digest", digest(sections=[sneaky])).html
    assert 'onmouseover="alert' not in html
    assert 'id="x&#34; onmouseover=&#34;alert(1)"' in html
