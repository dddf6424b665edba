"""Whatever the model server does, every paper ends with a summary, after exactly the calls it
should take. The server is the stand-in, reached through litellm over real HTTP."""

import pytest

from newsletter.config import OFFLINE_MODEL
from newsletter.summarize.llm import Budget, RetryPolicy
from tests.stubs.openai_api import Answer, Fail, Garbage, Hang, OpenAIStub
from tests.support.cast import Cast

TOPICS = ["NLP", "Large Language Models", "Computer Vision", "Generative Models"]


def test_a_valid_answer_takes_one_call_and_counts_its_tokens(openai_stub, make_summarizer):
    result = make_summarizer().summarize(Cast.request(), TOPICS)
    assert (len(openai_stub.calls), result.calls, result.model, result.degraded) == (
        1, 1, "openai/stub-model", False)
    assert result.fields["tldr"] == "[English] Paper number 1 in one sentence."
    assert result.prompt_tokens > 0 and result.completion_tokens > 0


def test_a_model_without_structured_outputs_is_asked_for_json_mode(openai_stub, make_summarizer):
    make_summarizer().summarize(Cast.request(), TOPICS)
    assert openai_stub.calls[0].response_format == {"type": "json_object"}


def test_a_model_with_structured_outputs_gets_the_schema_and_a_price(openai_stub, make_summarizer):
    result = make_summarizer("openai/gpt-4o-mini").summarize(Cast.request(), TOPICS)
    sent = openai_stub.calls[0].response_format
    assert sent["type"] == "json_schema"
    assert sent["json_schema"]["schema"]["properties"]["topics"]["items"]["enum"] == TOPICS
    assert result.cost_usd > 0  # from litellm's local price map: no network


def test_a_429_is_retried_after_the_servers_retry_after(openai_stub, make_summarizer, sleeps):
    openai_stub.script(Fail(429, retry_after="7"))
    result = make_summarizer().summarize(Cast.request(), TOPICS)
    assert (len(openai_stub.calls), sleeps, result.degraded) == (2, [7.0], False)


def test_server_errors_are_retried_with_exponential_backoff(openai_stub, make_summarizer, sleeps):
    openai_stub.script(Fail(500), Fail(503))
    result = make_summarizer().summarize(Cast.request(), TOPICS)
    assert (len(openai_stub.calls), sleeps, result.degraded) == (3, [1.0, 2.0], False)


def test_a_server_that_keeps_failing_leaves_the_offline_summary_marked_degraded(
        openai_stub, make_summarizer, sleeps):
    openai_stub.default = Fail(500)
    result = make_summarizer().summarize(Cast.request(), TOPICS)
    assert (len(openai_stub.calls), result.calls) == (3, 3)  # RetryPolicy().attempts
    assert (result.model, result.degraded) == (OFFLINE_MODEL, True)
    assert result.fields["tldr"]


def test_a_retry_after_too_long_to_wait_moves_on_at_once(openai_stub, make_summarizer, sleeps):
    openai_stub.default = Fail(429, retry_after="3600")
    result = make_summarizer().summarize(Cast.request(), TOPICS)
    assert (len(openai_stub.calls), sleeps, result.degraded) == (1, [], True)


def test_a_rejected_request_is_not_retried(openai_stub, make_summarizer, sleeps):
    openai_stub.default = Fail(400)
    result = make_summarizer().summarize(Cast.request(), TOPICS)
    assert (len(openai_stub.calls), result.degraded) == (1, True)


def test_an_invalid_answer_is_retried_once_quoting_the_error(openai_stub, make_summarizer):
    openai_stub.script(Garbage())
    result = make_summarizer().summarize(Cast.request(), TOPICS)
    assert (len(openai_stub.calls), result.degraded) == (2, False)
    assert "not valid JSON" in openai_stub.calls[1].messages[-1]["content"]


def test_two_invalid_answers_fall_back_to_the_offline_summary(openai_stub, make_summarizer):
    openai_stub.default = Garbage()
    result = make_summarizer().summarize(Cast.request(), TOPICS)
    assert (len(openai_stub.calls), result.model, result.degraded) == (2, OFFLINE_MODEL, True)


def test_a_hanging_server_times_out_each_try_then_falls_back(openai_stub, make_summarizer, sleeps):
    openai_stub.default = Hang()
    summarizer = make_summarizer(timeout=0.3, retry=RetryPolicy(attempts=2))
    result = summarizer.summarize(Cast.request(), TOPICS)
    assert (len(openai_stub.calls), sleeps, result.degraded) == (2, [1.0], True)


def test_a_slow_answer_within_the_timeout_is_kept(openai_stub, make_summarizer):
    openai_stub.default = Answer(delay=0.2)
    result = make_summarizer(timeout=10).summarize(Cast.request(), TOPICS)
    assert (len(openai_stub.calls), result.degraded) == (1, False)


def test_a_failing_model_hands_over_to_its_fallback_on_its_own_server(openai_stub, make_summarizer,
                                                                      monkeypatch):
    monkeypatch.setenv("OPENAI_API_KEY", "fallback-key")  # a fallback's key is its provider's
    openai_stub.default = Fail(500)
    with OpenAIStub() as other:
        summarizer = make_summarizer(fallbacks=[f"openai/other-model={other.url}"],
                                     retry=RetryPolicy(attempts=2))
        result = summarizer.summarize(Cast.request(), TOPICS)
    assert (len(openai_stub.calls), len(other.calls)) == (2, 1)
    assert (result.model, result.degraded) == ("openai/other-model", False)


def test_the_requests_per_minute_limit_spaces_the_calls_of_a_model(openai_stub, make_summarizer,
                                                                     sleeps):
    summarizer = make_summarizer(requests_per_minute=30, clock=lambda: 100.0)
    for number in range(3):
        summarizer.summarize(Cast.request(number), TOPICS)
    assert (len(openai_stub.calls), sleeps) == (3, [2.0, 4.0])


def test_a_spent_budget_makes_no_call_and_falls_back(openai_stub, make_summarizer):
    result = make_summarizer().summarize(Cast.request(), TOPICS, Budget(1.0, spent_usd=1.0))
    assert (len(openai_stub.calls), result.calls) == (0, 0)
    assert (result.degraded, result.budget_reached) == (True, True)


def test_the_spend_of_each_call_counts_against_the_budget(openai_stub, make_summarizer):
    budget = Budget(limit_usd=1e-9)
    summarizer = make_summarizer("openai/gpt-4o-mini")
    first, second = (summarizer.summarize(Cast.request(n), TOPICS, budget) for n in (1, 2))
    assert budget.spent_usd == pytest.approx(first.cost_usd) and first.cost_usd > 0
    assert (first.degraded, second.degraded, second.budget_reached) == (False, True, True)
    assert len(openai_stub.calls) == 1


def test_summaries_are_written_in_the_language_asked_for(openai_stub, make_summarizer):
    result = make_summarizer().summarize(Cast.request(language="es"), TOPICS)
    assert result.fields["tldr"].startswith("[Spanish]")
