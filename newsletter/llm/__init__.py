"""The LLM layer: the only package that imports litellm (lazily, inside functions)."""

from newsletter.llm.client import LLMSummarizer, SummaryResult
from newsletter.llm.prompt import PROMPT_VERSION, SummaryRequest

__all__ = ["LLMSummarizer", "PROMPT_VERSION", "SummaryRequest", "SummaryResult"]
