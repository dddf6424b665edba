"""Each text is summarized once per model, prompt version and language; degraded ones upgrade."""

from newsletter import papers
from newsletter.llm.client import SummaryResult
from newsletter.models import Summary
from newsletter.sources.records import PaperRecord
from newsletter.summaries import summarize_and_tag


class CountingSummarizer:
    """Answers like a model would, counting the calls; `down` makes it answer degraded."""

    model = "openai/counting"

    def __init__(self, down: bool = False):
        self.calls, self.down = 0, down

    def summarize(self, request, topic_names):
        self.calls += 1
        fields = {"tldr": f"About {request.title}", "highlights": ["a", "b", "c"],
                  "summary": "s", "methodology": "m", "results": "r", "implications": "i",
                  "topics": ["Robotics"]}
        return SummaryResult(fields, "offline/extractive" if self.down else self.model,
                             degraded=self.down)


def add_paper(session, title="Legged robots learn to walk on ice"):
    record = PaperRecord(external_id="2611.00007", arxiv_id="2611.00007", title=title,
                         abstract="We train a quadruped.", categories=["cs.RO"])
    return papers.upsert_record(session, record, kind="arxiv", url="file:///a")[1]


def test_a_rerun_makes_no_call(session, services):
    paper, summarizer = add_paper(session), CountingSummarizer()
    first = summarize_and_tag(session, [paper.id], summarizer, services.taxonomy)
    second = summarize_and_tag(session, [paper.id], summarizer, services.taxonomy)
    assert (first["made"], second["cached"], summarizer.calls) == (1, 1, 1)


def test_a_changed_abstract_is_summarized_again(session, services):
    paper, summarizer = add_paper(session), CountingSummarizer()
    summarize_and_tag(session, [paper.id], summarizer, services.taxonomy)
    paper.abstract = "We train a quadruped, version two."
    summarize_and_tag(session, [paper.id], summarizer, services.taxonomy)
    assert summarizer.calls == 2


def test_other_languages_are_made_only_when_asked_for(session, services):
    paper, summarizer = add_paper(session), CountingSummarizer()
    summarize_and_tag(session, [paper.id], summarizer, services.taxonomy, ["en", "es"])
    assert sorted(s.language for s in session.query(Summary)) == ["en", "es"]


def test_a_degraded_summary_is_upgraded_when_the_model_answers_again(session, services):
    paper = add_paper(session)
    summarize_and_tag(session, [paper.id], CountingSummarizer(down=True), services.taxonomy)
    counts = summarize_and_tag(session, [paper.id], CountingSummarizer(), services.taxonomy)
    assert counts["made"] == 1
    assert [s.degraded for s in session.query(Summary)] == [False]


def test_papers_are_tagged_with_the_summarys_topics(session, services):
    paper = add_paper(session)
    summarize_and_tag(session, [paper.id], CountingSummarizer(), services.taxonomy)
    assert paper.topic_names == ["Robotics"]
