"""Text as readers see it: TeX as Unicode (through pylatexenc), no markdown, no debris."""

import pytest

from newsletter.text import clean_text, is_boilerplate


@pytest.mark.parametrize("raw, clean", [
    (r"a learning rate of $10^{-9}$", "a learning rate of 10⁻⁹"),
    (r"vectors in $\mathbb{R}^d$", "vectors in ℝ^d"),
    (r"weights in $\{+1, -1\}$", "weights in {+1, -1}"),
    (r"3$\times$ smaller", "3× smaller"),
    (r"\href{https://example.org/code}{our code} is public", "our code is public"),
    (r"G\"unther and S{\o}ren", "Günther and Søren"),
    (r"$\alpha$-divergence in $\mathcal{O}(\log n)$", "α-divergence in 𝒪(log n)"),
    (r"72.6\% mean", "72.6% mean"),
])
def test_tex_is_rendered_as_unicode(raw, clean):
    assert clean_text(raw) == clean


@pytest.mark.parametrize("raw, clean", [
    # as Hugging Face serves them: the backslashes are gone
    ("up to 17.9times end-to-end speedup", "up to 17.9× end-to-end speedup"),
    ("mathbb{R}^d embeddings", "ℝ^d embeddings"),
    ("a framework for 360^{circ} dynamic objects", "a framework for 360° dynamic objects"),
    ("We propose boldsymbolπ-StepNFT", "We propose π-StepNFT"),
    ("tasks blfootnote{Code is coming soon.} today", "tasks today"),
])
def test_tex_that_lost_its_backslashes_is_rendered_too(raw, clean):
    assert clean_text(raw) == clean


def test_footnotes_and_citations_are_dropped_and_unknown_macros_keep_their_name():
    assert clean_text(r"a gain\footnote{Work done at X.} over \cite{smith} \OneBench.") == (
        "a gain over OneBench.")


def test_characters_tex_would_misread_stay_literal():
    assert clean_text("reaches 50% on C# and R&D, for $1.5 million") == (
        "reaches 50% on C# and R&D, for $1.5 million")
    assert clean_text("costs $1.5 million and US$5 a day") == "costs $1.5 million and US$5 a day"
    assert clean_text("We propose World Preference Modeling$ (WorldPM)") == (
        "We propose World Preference Modeling (WorldPM)")  # what lost math leaves
    assert clean_text("snake_case_name and timestamps") == "snake_case_name and timestamps"


def test_markdown_emphasis_and_links_are_reduced_to_their_words():
    assert clean_text("we propose **Lean4Agent**, gaining **25.63%** on *hard* tasks") == (
        "we propose Lean4Agent, gaining 25.63% on hard tasks")
    assert clean_text("see [our code](https://github.com/a/b); a * b") == "see our code; a * b"


def test_cleaning_is_idempotent():
    once = clean_text(r"$10^{-9}$ and **bold** and 3times and G\"unther")
    assert clean_text(once) == once


def test_plain_text_is_only_collapsed():
    assert clean_text("  A  plain\n title ") == "A plain title"
    assert clean_text("Not All You Need: {{ config }}") == "Not All You Need: {{ config }}"


@pytest.mark.parametrize("sentence", [
    "Code is available at https://github.com/OpenGVLab/RIVER.",
    "Dataset and eval code have been released.",
    "Project page: lg-li.github.io/project/cubecomposer",
    "Our models and data will be made publicly available.",
    "This paper has been accepted to ICML 2026.",
])
def test_code_links_and_venues_are_boilerplate(sentence):
    assert is_boilerplate(sentence)


def test_a_sentence_about_the_work_is_not_boilerplate():
    assert not is_boilerplate("We release a benchmark of 400 expert-curated tasks spanning law.")
