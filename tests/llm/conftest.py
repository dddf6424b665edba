"""The stand-in OpenAI-compatible server, and a summarizer that reaches it through litellm."""

import pytest

from newsletter.llm import LLMSummarizer, SummaryRequest
from tests.stubs.openai_api import OpenAIStub

TOPICS = ["NLP", "Large Language Models", "Computer Vision", "Generative Models"]


def paper(number: int = 1, language: str = "en") -> SummaryRequest:
    return SummaryRequest(f"Paper number {number}",
                          f"We study problem {number}. Our method improves results by 3.5 points.",
                          ["cs.LG"], language)


@pytest.fixture
def stub():
    with OpenAIStub() as server:
        yield server


@pytest.fixture
def sleeps() -> list[float]:
    """The waits the summarizer asked for, recorded instead of slept."""
    return []


@pytest.fixture
def make_summarizer(stub, sleeps):
    def make(model="openai/stub-model", **options):
        options = {"api_base": stub.url, "api_key": "test-key", "timeout": 5,
                   "sleep": sleeps.append, **options}
        return LLMSummarizer(model, **options)

    return make
