"""Summaries through litellm: the configured model, its fallbacks, and the offline summarizer last.

Every answer is validated, then tidied (`newsletter.summarize.tidy`: cleaned text, no sentence
said twice). For each model in the chain: one call (retried on 429, 5xx, timeouts and lost connections, see
`_transient` and newsletter.outside_calls); if the answer does not validate, one more call that
quotes the validation error; then the next model. The offline summarizer always answers, so
every paper gets a summary; when it answers in place of the configured model (the models failed,
or the budget is spent), the summary is marked degraded. Every call waits for its model's requests-per-minute limit, and its tokens and
cost are counted.

A fallback may name its own api base as `MODEL=API_BASE` (two OpenAI-compatible servers, say);
the configured api base and key belong to the configured model only.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable
from dataclasses import dataclass

from newsletter import outside_calls
from newsletter.config import OFFLINE_MODEL
from newsletter.outside_calls import RetryPolicy, Transient
from newsletter.summarize.budget import Budget
from newsletter.summarize.llm import offline_provider
from newsletter.summarize.prompt import (
    InvalidSummary,
    SummaryRequest,
    build_messages,
    parse_answer,
    response_schema,
)
from newsletter.summarize.tidy import tidy

log = logging.getLogger(__name__)
# A longer Retry-After ends the tries: better the next model than a long stall.
DEFAULT_RETRY = RetryPolicy()
RETRIED_STATUSES = frozenset({408, 409, 425, 429}) | outside_calls.SERVER_ERRORS


class BudgetReached(Exception):
    """The daily budget is spent: no more paid calls today."""


@dataclass
class SummaryResult:
    fields: dict
    model: str
    degraded: bool = False
    prompt_tokens: int = 0
    completion_tokens: int = 0
    cost_usd: float = 0.0
    calls: int = 0  # requests sent to models other than the offline one, retries included
    budget_reached: bool = False


@dataclass(frozen=True)
class Route:
    """A model and how to reach it."""

    model: str
    api_base: str | None = None
    api_key: str | None = None

    @property
    def offline(self) -> bool:
        return self.model == OFFLINE_MODEL


def fallback_route(text: str) -> Route:
    """`MODEL` or `MODEL=API_BASE`."""
    model, _, api_base = text.partition("=")
    return Route(model.strip(), api_base.strip() or None)


class LLMSummarizer:
    """Summarize papers with a chain of litellm models ending in the offline summarizer."""

    def __init__(self, model: str = OFFLINE_MODEL, *, fallbacks: list[str] = (),
                 api_base: str | None = None, api_key: str | None = None,
                 timeout: float = 60.0, retry: RetryPolicy = DEFAULT_RETRY,
                 requests_per_minute: float | None = None,
                 sleep: Callable[[float], None] = time.sleep,
                 clock: Callable[[], float] = time.monotonic):
        routes = [Route(model, api_base, api_key), *map(fallback_route, fallbacks),
                  Route(OFFLINE_MODEL)]
        seen: set[str] = set()
        self.routes = [r for r in routes if not (r.model in seen or seen.add(r.model))]
        self.model = model
        self.timeout, self.retry, self.sleep = timeout, retry, sleep
        # NEWSLETTER_LLM_RPM: one bucket per model, one token at most (requests evenly spaced)
        rate = requests_per_minute / 60 if requests_per_minute else None
        self.limiter = outside_calls.Buckets(rate, clock=clock)
        os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")
        _quiet_litellm()
        offline_provider.register()

    def summarize(self, request: SummaryRequest, topic_names: list[str],
                  budget: Budget | None = None) -> SummaryResult:
        """A validated summary; never raises for a model's failure (the offline one answers).
        Safe to call from several threads at once."""
        budget = budget or Budget(None)
        result = SummaryResult(fields={}, model=OFFLINE_MODEL)
        for route in self.routes:
            fields = self._try_model(route, request, topic_names, result, budget)
            if fields is not None:
                result.fields, result.model = fields, route.model
                result.degraded = route.offline and self.model != OFFLINE_MODEL
                return result
        raise RuntimeError("the offline summarizer did not answer")  # a bug, not an outage

    def _try_model(self, route: Route, request: SummaryRequest, topic_names: list[str],
                   result: SummaryResult, budget: Budget) -> dict | None:
        """The model's validated answer, asking once more with the error quoted; None when the
        model fails or the budget is spent."""
        messages = build_messages(request, topic_names)
        for attempt in (1, 2):
            try:
                response = self._call(route, messages, topic_names, result, budget)
            except BudgetReached:
                result.budget_reached = True
                return None
            except Exception as error:  # noqa: BLE001 (litellm maps each provider's own errors)
                log.warning("model %s failed: %s", route.model, error)
                return None
            answer = response.choices[0].message.content
            try:
                return tidy(parse_answer(answer, topic_names, strict=not route.offline))
            except InvalidSummary as error:
                log.warning("model %s gave an invalid summary (attempt %d): %s",
                            route.model, attempt, error)
                messages = [*messages, {"role": "assistant", "content": answer or ""},
                            {"role": "user", "content": f"That answer is invalid: {error}. "
                             "Answer again with only the corrected JSON object."}]
        return None

    def _call(self, route: Route, messages: list[dict], topic_names: list[str],
              result: SummaryResult, budget: Budget):
        import litellm

        if route.offline:
            return litellm.completion(model=route.model, messages=messages)
        options = {"api_base": route.api_base, "api_key": route.api_key,
                   "timeout": self.timeout, "response_format": response_format(route.model,
                                                                               topic_names),
                   # one HTTP request per call: the retries are ours. litellm's num_retries
                   # retries every APIError (a 400 too) with no wait, sets a process-wide
                   # value (unsafe with threads) and multiplies with the OpenAI SDK's own
                   "max_retries": 0, "num_retries": 0, "drop_params": True}

        def one_request():
            if budget.exhausted():
                raise BudgetReached()
            self.limiter.wait(route.model, self.sleep)
            result.calls += 1
            response = litellm.completion(model=route.model, messages=messages, **options)
            budget.add(add_usage(result, response))
            return response

        return outside_calls.call_with_retries(one_request, self.retry, _transient,
                                               sleep=self.sleep, what=f"model {route.model}")


def _transient(error: Exception) -> Transient | None:
    """A rate limit, a server error, a timeout or a lost connection, with the server's
    Retry-After: worth another try. litellm maps every provider's errors to its own types."""
    import litellm

    status = getattr(error, "status_code", None)
    if not isinstance(error, (litellm.Timeout, litellm.APIConnectionError)) and (
            status not in RETRIED_STATUSES):
        return None
    headers = getattr(error, "litellm_response_headers", None)
    if headers is None:
        headers = getattr(getattr(error, "response", None), "headers", None)
    told = headers.get("retry-after") if headers is not None else None
    reason = f"{type(error).__name__} {status or ''}".strip()
    return Transient(reason, outside_calls.retry_after(told))


def response_format(model: str, topic_names: list[str]) -> dict:
    """Structured outputs (the summary's JSON schema) where litellm knows the model supports
    them; plain JSON mode elsewhere."""
    import litellm

    try:
        structured = litellm.supports_response_schema(model=model)
    except Exception:  # noqa: BLE001 (a model litellm has never heard of)
        structured = False
    if not structured:
        return {"type": "json_object"}
    return {"type": "json_schema", "json_schema": {
        "name": "paper_summary", "strict": True, "schema": response_schema(topic_names)}}


def add_usage(result: SummaryResult, response) -> float:
    """Add the response's tokens and cost (litellm's local price map) to `result`; return the
    cost. A model without a known price (a local server) costs 0."""
    import litellm

    usage = getattr(response, "usage", None)
    if usage:
        result.prompt_tokens += usage.prompt_tokens or 0
        result.completion_tokens += usage.completion_tokens or 0
    try:
        cost = litellm.completion_cost(completion_response=response) or 0.0
    except Exception:  # noqa: BLE001 (litellm raises for a model missing from its price map)
        cost = 0.0
    result.cost_usd += cost
    return cost


def _quiet_litellm() -> None:
    """litellm prints help banners to stdout on every error: `newsletter summarize` writes its
    JSON Lines there."""
    import litellm

    litellm.suppress_debug_info = True
