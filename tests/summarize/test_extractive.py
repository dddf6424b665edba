"""The built-in offline (extractive) summarizer, on real abstracts of recent daily papers.

`tests/fixtures/recent_abstracts.jsonl` holds 16 abstracts as Hugging Face Daily Papers served
them in 2026 (recorded by 2404589803/hf-daily-paper-newsletter-chinese, Apache-2.0), chosen for
what goes wrong on them: an opening background sentence, TeX that lost its backslashes,
markdown emphasis, footnotes and code links.
"""

import json
import re
from pathlib import Path

import pytest

from newsletter.summarize.extractive import summarize
from newsletter.summarize.sentences import split_sentences
from newsletter.text import is_boilerplate
from newsletter.text.words import sentence_key

FIELDS = ("tldr", "highlights", "summary", "methodology", "results", "implications", "topics")
FIXTURES = Path(__file__).parent.parent / "fixtures"
DEBRIS = re.compile(r"\\[A-Za-z]|[{}$]|\*\*|\^\{|_\{|\b\d+(?:\.\d+)?times\b|\b(?:mathbb|"
                    r"boldsymbol|blfootnote|footnote|href)\b")
# openings that point back to a sentence the TL;DR does not show
CONNECTIVE = re.compile(r"^(?:Further|Moreover|Additionally|However|To this end|(?:Building on|"
                        r"Powered by|Inspired by|To bridge|To address) (?:this|these|that|such))\b")


def recent():
    lines = (FIXTURES / "recent_abstracts.jsonl").read_text().splitlines()
    return [json.loads(line) for line in lines]


def by_id(paper_id):
    return next(p for p in recent() if p["id"] == paper_id)


def summary_of(paper):
    return summarize(paper["title"], paper["abstract"], [])


def sentence_slots(result):
    prose = [s for f in ("summary", "methodology", "results", "implications")
             for s in split_sentences(result[f])]
    return [result["tldr"], *result["highlights"], *prose]


@pytest.mark.parametrize("paper", recent(), ids=lambda p: p["id"])
def test_tldr_is_one_whole_sentence_that_says_what_the_paper_does(paper):
    tldr = summary_of(paper)["tldr"]
    assert len(tldr.split()) <= 40
    assert not tldr.endswith("…") and tldr[-1] in ".!"
    assert len(split_sentences(tldr)) == 1
    assert not CONNECTIVE.match(tldr)
    assert "has emerged" not in tldr and not is_boilerplate(tldr)


@pytest.mark.parametrize("paper", recent(), ids=lambda p: p["id"])
def test_no_sentence_is_used_twice_and_none_is_debris_or_boilerplate(paper):
    result = summary_of(paper)
    slots = sentence_slots(result)
    assert len({sentence_key(s) for s in slots}) == len(slots)
    for text in slots:
        assert not DEBRIS.search(text), text
    assert not any(is_boilerplate(h) for h in result["highlights"])
    assert not is_boilerplate(result["implications"])


def test_a_background_opening_is_passed_over_for_the_contribution():
    result = summary_of(by_id("2603.08899"))  # "Speculative decoding has emerged as ..."
    assert result["tldr"].startswith("We propose ConFu")
    assert "has emerged" in result["summary"]


def test_tex_without_backslashes_is_rendered_in_the_summary():
    result = summary_of(by_id("2603.21618"))  # "360^{circ} dynamic object reconstruction"
    assert "360°" in result["tldr"]
    speedup = summary_of(by_id("2603.09229"))  # "17.9times end-to-end speedup"
    assert any("17.9× end-to-end" in s for s in sentence_slots(speedup))


def test_markdown_emphasis_is_stripped():
    result = summary_of(by_id("2606.06523"))  # "we propose **Lean4Agent**"
    assert "Lean4Agent" in result["tldr"] and "*" not in result["tldr"]


def test_a_footnote_with_a_code_link_is_kept_out():
    result = summary_of(by_id("2605.30219"))  # "...tasks\footnote{Code is coming soon at https://...}"
    assert not any("github" in s or "coming soon" in s for s in sentence_slots(result))


def test_highlights_add_method_and_result_to_the_tldr():
    result = summary_of(by_id("2603.09229"))
    assert 3 <= len(result["highlights"]) <= 4
    assert any(re.search(r"\d", h) for h in result["highlights"])


def test_a_leading_connective_is_dropped_and_the_sentence_capitalized():
    result = summarize("T", "Language models are widely used. However, they hallucinate often. "
                            "To this end, we propose a verifier that checks every claim made.")
    assert result["tldr"] == "We propose a verifier that checks every claim made."


def test_an_overlong_sentence_is_cut_at_a_clause_never_mid_sentence():
    long_clause = " ".join(f"w{i}" for i in range(40))
    result = summarize("T", f"We propose a compact verifier for claims, which {long_clause}.")
    assert result["tldr"] == "We propose a compact verifier for claims."


def test_summary_has_exactly_the_promised_fields():
    assert tuple(summary_of(recent()[0])) == FIELDS


def test_an_empty_abstract_gives_a_tldr_from_the_title():
    result = summarize("  A   Title About Robots ", "   ", ["cs.RO"])
    assert result["tldr"] == "A Title About Robots"
    assert result["highlights"] == [] and result["summary"] == ""
    assert result["topics"] == ["Robotics"]


def test_sentence_splitting_survives_abbreviations_and_decimals():
    text = ("We use e.g. BERT as in Smith et al. (2020) and reach 3.5% error. "
            "See Fig. 2 and Eq. 3 for details. Results vs. baselines improve! Is it good? Yes.")
    assert split_sentences(text) == [
        "We use e.g. BERT as in Smith et al. (2020) and reach 3.5% error.",
        "See Fig. 2 and Eq. 3 for details.", "Results vs. baselines improve!", "Is it good?",
        "Yes."]


def test_output_is_deterministic():
    paper = recent()[0]
    assert all(summary_of(paper) == summary_of(paper) for _ in range(3))


def test_a_heading_kept_from_a_blog_post_is_not_part_of_any_sentence():
    # as html_to_text gives a post whose <h2> is "Why success rate is not enough"
    abstract = ("Why success rate is not enough: Agents fail in ways a single number hides: "
                "wasted tool calls, unsafe actions, and tasks that look done. We describe the "
                "trace-eval checklist we use internally.")
    result = summarize("A field guide to evaluating LLM agents", abstract)
    assert result["tldr"] == "We describe the trace-eval checklist we use internally."
    assert not any(s.startswith("Why success") for s in sentence_slots(result))
