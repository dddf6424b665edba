"""What a model returns is cleaned and said once, like the offline summary; its TL;DR is kept."""

from newsletter.summarize.tidy import tidy
from tests.stubs.openai_api import Fixed
from tests.support.cast import Cast

TOPICS = ["NLP", "Large Language Models", "Computer Vision", "Generative Models"]
TLDR = r"We cut KV-cache memory 3$\times$ with **SparseKV**."
ANSWER = {
    "tldr": TLDR,
    "highlights": ["We cut KV-cache memory 3× with SparseKV.", "Latency falls to $10^{-3}$ s.",
                   "Code is available at https://github.com/x/sparsekv.",
                   "It keeps accuracy on LongBench."],
    "summary": "We cut KV-cache memory 3× with SparseKV. Long contexts are costly to serve.",
    "methodology": "Keys are pruned by mathbb{E} attention mass.",
    "results": "It keeps accuracy on LongBench. Latency falls to 10⁻³ s.",
    "implications": "Million-token serving becomes cheap. Code: https://github.com/x/sparsekv.",
    "topics": ["Large Language Models"],
}


def test_a_model_answer_over_http_comes_back_clean_and_said_once(openai_stub, make_summarizer):
    openai_stub.default = Fixed(ANSWER)
    fields = make_summarizer().summarize(Cast.request(), TOPICS).fields
    assert fields["tldr"] == "We cut KV-cache memory 3× with SparseKV."  # the model's, cleaned
    assert fields["highlights"] == ["Latency falls to 10⁻³ s.", "It keeps accuracy on LongBench."]
    assert fields["summary"] == "Long contexts are costly to serve."
    assert fields["methodology"] == "Keys are pruned by 𝔼 attention mass."
    assert fields["results"] == ""
    assert fields["implications"] == "Million-token serving becomes cheap."


def test_topics_and_a_clean_answer_are_left_as_they_are():
    clean = {"tldr": "We propose X.", "highlights": ["X is fast.", "X is small.", "X is new."],
             "summary": "Serving is costly.", "methodology": "X prunes keys.",
             "results": "X halves memory.", "implications": "Serving gets cheap.",
             "topics": ["NLP"]}
    assert tidy(clean) == clean


def test_a_models_answer_loses_its_bidirectional_controls():
    """A model can echo or invent a right-to-left override: what is stored has none, as at
    ingest."""
    answer = dict(ANSWER, tldr="We cut \u202eevil.exe\u202c memory.",
                  highlights=["\u2066Ada\u2069 wins.", "It is fast.", "It is small."])
    tidied = tidy(answer)
    assert tidied["tldr"] == "We cut evil.exe memory."
    assert tidied["highlights"][0] == "Ada wins."
