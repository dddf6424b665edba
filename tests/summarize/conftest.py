"""The stand-in OpenAI-compatible server, and a summarizer that reaches it through litellm."""

import pytest

from newsletter.summarize.llm import LLMSummarizer


@pytest.fixture
def sleeps() -> list[float]:
    """The waits the summarizer asked for, recorded instead of slept."""
    return []


@pytest.fixture
def make_summarizer(openai_stub, sleeps):
    def make(model="openai/stub-model", **options):
        options = {"api_base": openai_stub.url, "api_key": "test-key", "timeout": 5,
                   "sleep": sleeps.append, **options}
        return LLMSummarizer(model, **options)

    return make
