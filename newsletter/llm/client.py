"""Summaries through litellm: the configured model, its fallbacks, and the offline summarizer last.

For each model in the chain: one call; if the answer does not validate, one retry that quotes the
validation error; then the next model. The offline summarizer always answers, so every paper gets
a summary; when it answers in place of the configured model, the summary is marked degraded.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass

from newsletter.config import OFFLINE_MODEL
from newsletter.llm import provider
from newsletter.llm.prompt import InvalidSummary, SummaryRequest, build_messages, parse_answer

log = logging.getLogger(__name__)


@dataclass
class SummaryResult:
    fields: dict
    model: str
    degraded: bool
    prompt_tokens: int = 0
    completion_tokens: int = 0
    cost_usd: float = 0.0


class LLMSummarizer:
    """Summarize papers with a chain of litellm models ending in the offline summarizer."""

    def __init__(self, model: str = OFFLINE_MODEL, *, fallbacks: list[str] = (),
                 api_base: str | None = None, timeout: float = 60.0, num_retries: int = 2):
        chain = [model, *fallbacks, OFFLINE_MODEL]
        self.models = list(dict.fromkeys(chain))  # keeps order, drops repeats
        self.model = model
        self.api_base = api_base
        self.timeout = timeout
        self.num_retries = num_retries
        os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")
        provider.register()

    def summarize(self, request: SummaryRequest, topic_names: list[str]) -> SummaryResult:
        """A validated summary; never raises for a model's failure (the offline one answers)."""
        for model in self.models:
            result = self._try_model(model, request, topic_names)
            if result is not None:
                result.degraded = model == OFFLINE_MODEL and self.model != OFFLINE_MODEL
                return result
        raise RuntimeError("the offline summarizer did not answer")  # a bug, not an outage

    def _try_model(self, model, request, topic_names) -> SummaryResult | None:
        messages = build_messages(request, topic_names)
        strict = model != OFFLINE_MODEL
        usage = SummaryResult(fields={}, model=model, degraded=False)
        for attempt in range(2):
            try:
                response = self._complete(model, messages, topic_names)
            except Exception as error:  # litellm maps every provider error to its own types
                log.warning("model %s failed: %s", model, error)
                return None
            _add_usage(usage, response)
            answer = response.choices[0].message.content
            try:
                usage.fields = parse_answer(answer, topic_names, strict=strict)
                return usage
            except InvalidSummary as error:
                log.warning("model %s gave an invalid summary (attempt %d): %s",
                            model, attempt + 1, error)
                messages = [*messages, {"role": "assistant", "content": answer or ""},
                            {"role": "user", "content": f"That answer is invalid: {error}. "
                             "Answer again with only the corrected JSON object."}]
        return None

    def _complete(self, model: str, messages: list[dict], topic_names: list[str]):
        import litellm

        extra = {}
        if model != OFFLINE_MODEL:
            # the api base (an OpenAI-compatible server, Ollama...) is the configured model's own
            api_base = self.api_base if model == self.model else None
            extra = {"api_base": api_base, "num_retries": self.num_retries,
                     "timeout": self.timeout, "response_format": {"type": "json_object"},
                     "drop_params": True}
        return litellm.completion(model=model, messages=messages, **extra)


def _add_usage(result: SummaryResult, response) -> None:
    import litellm

    usage = getattr(response, "usage", None)
    if usage:
        result.prompt_tokens += usage.prompt_tokens or 0
        result.completion_tokens += usage.completion_tokens or 0
    try:
        result.cost_usd += litellm.completion_cost(completion_response=response) or 0.0
    except Exception:  # no price known for this model (local servers, our offline provider)
        pass
