"""Summaries go through litellm; the offline summarizer is a litellm provider and the last resort."""

import socket

from newsletter.config import OFFLINE_MODEL
from newsletter.summarize.llm import LLMSummarizer, RetryPolicy, SummaryRequest

TOPICS = ["NLP", "Large Language Models", "Computer Vision", "Generative Models"]
REQUEST = SummaryRequest(
    "Denoising Diffusion Models for Image Generation",
    "We present a diffusion model for image synthesis. Our method learns to reverse a gradual "
    "noising process. It achieves an FID of 3.17 on CIFAR-10, outperforming GANs. These results "
    "suggest diffusion models are a strong alternative for generative modelling.",
    ["cs.CV", "cs.LG"],
)


def closed_port() -> int:
    """A port on 127.0.0.1 where nothing listens (bound, then released)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_the_default_model_is_the_offline_summarizer_through_litellm():
    result = LLMSummarizer().summarize(REQUEST, TOPICS)
    assert result.model == OFFLINE_MODEL
    assert not result.degraded
    assert set(result.fields) >= {"tldr", "highlights", "summary", "methodology", "results",
                                  "implications", "topics"}
    assert any("3.17" in highlight for highlight in result.fields["highlights"])


def test_an_unreachable_model_falls_back_to_the_offline_summary_marked_degraded():
    summarizer = LLMSummarizer("openai/gpt-4o-mini", api_base=f"http://127.0.0.1:{closed_port()}/v1",
                               api_key="test-key", timeout=2, retry=RetryPolicy(attempts=1))
    result = summarizer.summarize(REQUEST, TOPICS)
    assert (result.model, result.degraded) == (OFFLINE_MODEL, True)
    assert result.fields["tldr"]
