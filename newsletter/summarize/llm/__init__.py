"""The LLM layer: the only package that imports litellm (lazily, inside functions)."""

from newsletter.outside_calls import RetryPolicy
from newsletter.summarize.budget import Budget
from newsletter.summarize.llm.client import LLMSummarizer, SummaryResult
from newsletter.summarize.prompt import PROMPT_VERSION, SummaryRequest

__all__ = ["PROMPT_VERSION", "Budget", "LLMSummarizer", "RetryPolicy", "SummaryRequest",
           "SummaryResult"]
