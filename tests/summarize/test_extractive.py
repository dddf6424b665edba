"""The built-in offline (extractive) summarizer."""

import json
from pathlib import Path

import pytest

from newsletter.summarize.extractive import clean, split_sentences, summarize, trim_words

FIELDS = {"tldr", "highlights", "summary", "methodology", "results", "implications", "topics"}
LABELLED = Path(__file__).parent.parent / "fixtures" / "labelled_papers.jsonl"

DDPM = (
    "We present high quality image synthesis results using diffusion probabilistic models, a class "
    "of latent variable models inspired by considerations from nonequilibrium thermodynamics. Our "
    "best results are obtained by training on a weighted variational bound designed according to a "
    "novel connection between diffusion probabilistic models and denoising score matching with "
    "Langevin dynamics. On the unconditional CIFAR10 dataset, we obtain an Inception score of 9.46 "
    "and a state-of-the-art FID score of 3.17. On 256x256 LSUN, we obtain sample quality similar "
    "to ProgressiveGAN. These results suggest diffusion models could enable future generative "
    "systems. Code is available online."
)


def labelled_papers():
    return [json.loads(line) for line in LABELLED.read_text().splitlines()]


def test_summary_has_exactly_the_promised_fields():
    result = summarize("Denoising Diffusion Probabilistic Models", DDPM, ["cs.LG"])
    assert set(result) == FIELDS


def test_every_field_comes_from_the_abstract():
    result = summarize("Denoising Diffusion Probabilistic Models", DDPM, ["cs.LG"])
    sentences = split_sentences(DDPM)
    for field in ("methodology", "results", "implications"):
        assert result[field] in sentences
    assert all(h in sentences for h in result["highlights"])


def test_results_prefer_a_sentence_with_numbers_and_implications_an_outlook():
    result = summarize("Denoising Diffusion Probabilistic Models", DDPM, ["cs.LG"])
    assert "3.17" in result["results"] or "9.46" in result["results"]
    assert "suggest" in result["implications"]


def test_diffusion_paper_is_tagged_generative_models():
    result = summarize("Denoising Diffusion Probabilistic Models", DDPM, ["cs.LG"])
    assert result["topics"][0] == "Generative Models"


@pytest.mark.parametrize("paper", labelled_papers()[:40], ids=lambda p: p["title"][:30])
def test_limits_hold_on_real_abstracts(paper):
    result = summarize(paper["title"], paper["abstract"], paper["categories"])
    assert len(result["tldr"].split()) <= 40
    assert 3 <= len(result["highlights"]) <= 4
    assert all(result[f] for f in ("tldr", "summary", "methodology", "results", "implications"))
    assert 0 <= len(result["topics"]) <= 3


def test_a_short_abstract_gives_one_highlight_per_sentence():
    result = summarize("Tiny", "We propose a method. It works well.", [])
    assert result["highlights"] == ["We propose a method.", "It works well."]


def test_a_long_sentence_is_trimmed_at_a_word_boundary_with_an_ellipsis():
    sentence = " ".join(f"word{i}" for i in range(60)) + "."
    result = summarize("Long", sentence, [])
    assert result["tldr"].endswith("…")
    assert result["tldr"][:-1].split() == [f"word{i}" for i in range(40)]


def test_trim_keeps_short_text_untouched():
    assert trim_words("Three small words.", 40) == "Three small words."


def test_an_empty_abstract_gives_a_tldr_from_the_title():
    result = summarize("  A   Title About Robots ", "   ", ["cs.RO"])
    assert result["tldr"] == "A Title About Robots"
    assert result["highlights"] == []
    assert result["topics"] == ["Robotics"]
    assert set(result) == FIELDS


def test_sentence_splitting_survives_abbreviations_and_decimals():
    text = (
        "We use e.g. BERT as in Smith et al. (2020) and reach 3.5% error. "
        "See Fig. 2 and Eq. 3 for details. Results vs. baselines improve! Is it good? Yes."
    )
    assert split_sentences(text) == [
        "We use e.g. BERT as in Smith et al. (2020) and reach 3.5% error.",
        "See Fig. 2 and Eq. 3 for details.",
        "Results vs. baselines improve!",
        "Is it good?",
        "Yes.",
    ]


def test_latex_is_stripped_lightly_and_whitespace_collapsed():
    assert clean("An \\emph{efficient}\n  method with $O(n^2)$ cost and 5\\% error") == (
        "An efficient method with O(n^2) cost and 5% error"
    )


def test_output_is_deterministic():
    first = summarize("DDPM", DDPM, ["cs.LG"])
    assert all(summarize("DDPM", DDPM, ["cs.LG"]) == first for _ in range(3))


def test_no_topics_when_nothing_matches():
    result = summarize("On bookbinding", "We survey leather. Glue matters.", ["math.HO"])
    assert result["topics"] == []
