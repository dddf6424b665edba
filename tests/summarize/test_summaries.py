"""Each text is summarized once per model, prompt version and language; degraded ones upgrade;
calls run in parallel; a daily budget holds across runs. The model is the stand-in server, reached
through litellm over real HTTP."""


from newsletter.config import OFFLINE_MODEL
from newsletter.models import Paper, Summary
from newsletter.subscribers import subscriptions
from newsletter.summarize.llm import LLMSummarizer
from newsletter.summarize.summaries import spent_today, summarize_and_tag, summary_languages
from tests.stubs.openai_api import Answer, Fail, Gate


def summarizer_for(openai_stub, model="openai/stub-model") -> LLMSummarizer:
    return LLMSummarizer(model, api_base=openai_stub.url, api_key="test-key", timeout=15,
                         sleep=lambda seconds: None)


def add_papers(cast, count=1) -> list[str]:
    """`count` untagged robotics papers, as arXiv lists them."""
    return [cast.paper(number, topics=None, kind="arxiv", url="file:///a",
                       title=f"Legged robots learn to walk on ice, part {number}",
                       abstract="We train a quadruped robot.", categories=["cs.RO"]).id
            for number in range(count)]


def test_a_rerun_makes_no_call(cast, session, services, openai_stub):
    ids, summarizer = add_papers(cast, 3), summarizer_for(openai_stub)
    first = summarize_and_tag(session, ids, summarizer, services.taxonomy)
    second = summarize_and_tag(session, ids, summarizer, services.taxonomy)
    assert (first["made"], first.calls, len(openai_stub.calls)) == (3, 3, 3)
    assert (second["cached"], second.calls) == (3, 0)


def test_a_changed_abstract_is_summarized_again(cast, session, services, openai_stub):
    [paper_id], summarizer = add_papers(cast), summarizer_for(openai_stub)
    summarize_and_tag(session, [paper_id], summarizer, services.taxonomy)
    session.get(Paper, paper_id).abstract = "We train a quadruped, version two."
    summarize_and_tag(session, [paper_id], summarizer, services.taxonomy)
    assert len(openai_stub.calls) == 2


def test_a_confirmed_spanish_subscriber_costs_one_more_call_per_paper(
        cast, session, services, openai_stub):
    ids = add_papers(cast, 2)
    for address, confirmed in (("ana@example.org", True), ("pending@example.org", False)):
        subscriber = subscriptions.subscribe(session, address, [], services.taxonomy,
                                             confirmed=confirmed)
        subscriber.language = "es" if confirmed else "zh"
    summarize_and_tag(session, ids, summarizer_for(openai_stub), services.taxonomy,
                      summary_languages(session, "openai/stub-model"))
    assert len(openai_stub.calls) == 4
    spanish = [s.fields["tldr"] for s in session.query(Summary).filter_by(language="es")]
    assert len(spanish) == 2 and all(tldr.startswith("[Spanish]") for tldr in spanish)


def test_a_degraded_summary_is_upgraded_when_the_model_answers_again(
        cast, session, services, openai_stub):
    [paper_id], summarizer = add_papers(cast), summarizer_for(openai_stub)
    openai_stub.default = Fail(503)
    down = summarize_and_tag(session, [paper_id], summarizer, services.taxonomy)
    openai_stub.default = Answer()
    up = summarize_and_tag(session, [paper_id], summarizer, services.taxonomy)
    assert (down["degraded"], down.calls, up["made"], up.calls) == (1, 3, 1, 1)
    assert [(s.degraded, s.model) for s in session.query(Summary)] == [
        (False, "openai/stub-model")]


def test_calls_run_in_parallel_up_to_the_concurrency(cast, session, services, openai_stub):
    openai_stub.default = Gate(4)  # answers only once four requests are in flight together
    ids = add_papers(cast, 8)
    report = summarize_and_tag(session, ids, summarizer_for(openai_stub), services.taxonomy,
                               concurrency=4)
    assert (report["made"], openai_stub.peak_in_flight, len(openai_stub.calls)) == (8, 4, 8)


def test_past_the_daily_budget_the_rest_is_degraded_and_the_report_says_so(
        cast, session, services, openai_stub):
    ids, summarizer = add_papers(cast, 3), summarizer_for(openai_stub, "openai/gpt-4o-mini")
    report = summarize_and_tag(session, ids, summarizer, services.taxonomy,
                               daily_budget_usd=1e-9)
    assert (report["made"], report["degraded"], report.calls) == (1, 2, 1)
    assert report.cost_usd > 0 and "budget reached" in report.describe()


def test_the_daily_budget_holds_across_runs(cast, session, services, openai_stub):
    ids, summarizer = add_papers(cast, 2), summarizer_for(openai_stub, "openai/gpt-4o-mini")
    summarize_and_tag(session, ids[:1], summarizer, services.taxonomy)
    budget = spent_today(session)
    again = summarize_and_tag(session, ids, summarizer, services.taxonomy,
                              daily_budget_usd=budget)
    assert budget > 0
    assert (again["cached"], again["degraded"], again.calls, again.budget_reached) == (
        1, 1, 0, True)


def test_papers_are_tagged_with_the_summarys_topics(cast, session, services, openai_stub):
    [paper_id] = add_papers(cast)
    summarize_and_tag(session, [paper_id], summarizer_for(openai_stub), services.taxonomy)
    first_topic = services.taxonomy.names()[0]  # the stand-in picks the first allowed topic
    assert session.get(Paper, paper_id).topic_names == [first_topic]


def test_the_offline_summarizer_is_not_asked_for_languages_it_cannot_write(cast, session,
                                                                           services):
    reader = subscriptions.subscribe(session, "ana@example.org", [], services.taxonomy,
                                     confirmed=True)
    reader.language = "es"
    session.flush()
    assert summary_languages(session, OFFLINE_MODEL) == ["en"]
    assert summary_languages(session, "openai/stub-model") == ["en", "es"]


def test_without_a_model_hugging_faces_keywords_inform_the_tags(cast, session, services):
    keywords = ["reinforcement learning", "policy gradient", "reward shaping"]
    paper = cast.paper(1, topics=None, title="Zero-shot planners", abstract="We study planners.",
                       categories=["cs.AI"], ai_keywords=keywords)
    summarize_and_tag(session, [paper.id], LLMSummarizer(OFFLINE_MODEL), services.taxonomy)
    assert "Reinforcement Learning" in session.get(Paper, paper.id).topic_names
