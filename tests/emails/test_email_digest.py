"""The digest shows what a reader needs to pick papers: counts, contents, signals and links."""

from emails import render


def test_subject_has_the_count_and_the_date(digest):
    assert render("digest", digest()).subject == "3 new ML papers for Mon 23 Nov 2026"


def test_subject_of_a_single_paper_is_singular(digest, section, paper):
    email = render("digest", digest(sections=[section("Robotics", [paper(1)])]))
    assert email.subject.startswith("1 new ML paper for ")


def preheader(html: str) -> str:
    return html.split('<div style="display:none;', 1)[1].split(">", 1)[1].split("</div>", 1)[0]


def test_preheader_leads_with_the_first_title_then_the_topics(digest):
    expected = "Sparse Attention Paper 1, and 2 more papers in Large Language Models, Robotics"
    assert preheader(render("digest", digest()).html).startswith(expected)


def test_preheader_is_padded_so_body_text_stays_out_of_the_inbox_preview(digest):
    assert preheader(render("digest", digest()).html).count("&zwnj;") >= 20


def test_highlights_that_repeat_the_tldr_are_not_shown_twice(digest, section, paper):
    highlights = [" the same  sentence.", "A new point."]
    repeating = paper(1, tldr="The same sentence.", highlights=highlights)
    email = render("digest", digest(sections=[section("NLP", [repeating])]))
    for part in (email.text, email.html):
        assert part.lower().count("the same sentence.") == 1
        assert "A new point." in part


def test_table_of_contents_links_each_topic_in_the_web_edition(digest):
    email = render("digest", digest())
    assert 'href="https://papers.example.org/editions/2026-11-23#robotics"' in email.html
    assert "- Large Language Models (2)\n- Robotics (1)" in email.text


def test_papers_are_numbered_across_topics_in_text(digest):
    text = render("digest", digest()).text
    assert text.index("1.  Sparse Attention Paper 1") < text.index("ROBOTICS")
    assert text.index("ROBOTICS") < text.index("3.  Sparse Attention Paper 3")


def test_title_links_to_the_abstract_page(digest):
    html = render("digest", digest()).html
    link = '<a href="https://arxiv.org/abs/2611.00001" style="color:#0b57d0;text-decoration:none;">'
    assert f"{link}Sparse Attention Paper 1</a>" in html


def test_authors_past_three_are_shortened(digest):
    email = render("digest", digest())
    for part in (email.text, email.html):
        assert "Ada Lovelace, Alan Turing, Grace Hopper et al." in part
        assert "Dijkstra" not in part


def test_signals_are_shown_only_when_present(digest, section, paper):
    quiet = paper(2, title="Quiet", upvotes=None, github_stars=None)
    email = render("digest", digest(sections=[section("NLP", [paper(1), quiet])]))
    assert email.text.count("42 upvotes · 1.2k GitHub stars") == 1
    assert email.html.count("1.2k GitHub stars") == 1


def test_links_are_listed_on_their_own_lines_and_missing_ones_skipped(digest, section, paper):
    lone = paper(1, pdf_url=None, code_url=None, hf_url=None, project_url="https://proj.example")
    text = render("digest", digest(sections=[section("NLP", [lone])])).text
    assert "    Abstract:     https://arxiv.org/abs/2611.00001\n" in text
    assert "    Project page: https://proj.example\n" in text
    assert "PDF:" not in text and "Code:" not in text


def test_a_non_http_link_from_a_feed_is_dropped(digest, section, paper):
    hostile = paper(1, code_url="javascript:alert(1)", url="javascript:alert(2)")
    email = render("digest", digest(sections=[section("NLP", [hostile])]))
    assert "javascript:" not in email.html and "javascript:" not in email.text


def test_extractive_summaries_are_said_once_per_email_not_under_every_paper(digest, section,
                                                                           paper):
    papers = [paper(n, degraded=True) for n in range(1, 6)]
    email = render("digest", digest(sections=[section("NLP", papers)]))
    for part in (email.text, email.html):
        assert part.count("Extractive summaries: taken from each abstract") == 1
        assert "marked extractive" not in part
    email = render("digest", digest(sections=[section("NLP", [paper(1)])]))
    assert "xtractive" not in email.text + email.html


def test_when_only_some_summaries_are_extractive_those_are_marked(digest, section, paper):
    papers = [paper(1), paper(2, degraded=True), paper(3, degraded=True)]
    email = render("digest", digest(sections=[section("NLP", papers)]))
    assert email.text.count("Summaries marked extractive are taken") == 1
    assert email.text.count("(extractive summary)") == 2
    assert email.html.count("<em>extractive</em>") == 2


def test_papers_past_the_readers_limit_are_counted_with_a_link_to_the_archive(digest):
    archive = "https://papers.example.org/editions/2026-11-23"
    email = render("digest", digest(more_matched=10, more_url=archive))
    assert f"10 more papers matched your topics; see them all in the archive:\n{archive}\n" in (
        email.text)
    assert f'<a href="{archive}" style="color:#0b57d0;">see them all in the archive</a>' in (
        email.html)
    assert "matched your topics" not in render("digest", digest()).text


def test_topics_tldr_and_highlights_are_shown(digest):
    email = render("digest", digest())
    for part in (email.text, email.html):
        assert "A sparse attention scheme that halves memory" in part
        assert "Halves KV-cache memory." in part
        assert "Efficient ML" in part


def test_overflow_papers_are_listed_as_links_with_their_note(digest):
    overflow = [{"title": "Extra Paper", "url": "https://arxiv.org/abs/2611.09999"}]
    note = "1 more paper is listed as a link to keep this email small."
    email = render("digest", digest(overflow=overflow, overflow_note=note))
    link = '<a href="https://arxiv.org/abs/2611.09999" style="color:#0b57d0;">'
    assert f"{link}Extra Paper</a>" in email.html
    assert "- Extra Paper\n  https://arxiv.org/abs/2611.09999\n" in email.text
    assert note in email.text and note in email.html


def test_footer_has_a_view_in_browser_link(digest):
    email = render("digest", digest())
    assert "View in browser:\nhttps://papers.example.org/editions/2026-11-23\n" in email.text
    assert ">View in browser</a>" in email.html
