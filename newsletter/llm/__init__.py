"""The LLM layer: the only package that imports litellm (lazily, inside functions)."""

from newsletter.llm.budget import Budget
from newsletter.llm.client import LLMSummarizer, SummaryResult
from newsletter.llm.prompt import PROMPT_VERSION, SummaryRequest
from newsletter.outside_calls import RetryPolicy

__all__ = ["PROMPT_VERSION", "Budget", "LLMSummarizer", "RetryPolicy", "SummaryRequest",
           "SummaryResult"]
