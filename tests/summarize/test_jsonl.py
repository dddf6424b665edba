"""`newsletter summarize` against a model (the stand-in server over real HTTP): a re-run on the
same input makes no call, and the output keeps the input's order."""

import json

import pytest
from click.testing import CliRunner

from newsletter.cli import main
from newsletter.config import OFFLINE_MODEL, load_settings
from newsletter.db import session_scope
from newsletter.editions.cards import HF_TLDR_CREDIT
from newsletter.search.query import search
from newsletter.services import Services
from newsletter.summarize.topics import tag
from tests.support.cast import Cast

PAPERS = [{"id": f"p{n}", "title": f"Paper {n} on sparse attention",
           "abstract": f"We make attention sparse in way {n}."} for n in range(10)]
INPUT = "".join(json.dumps(p) + "\n" for p in PAPERS) + "not json\n" + json.dumps(PAPERS[0]) + "\n"


@pytest.fixture
def stub(openai_stub, cli_env, monkeypatch):
    """The command's environment, with the stand-in model server as its model."""
    for name, value in {"LLM_MODEL": "openai/stub-model", "LLM_API_BASE": openai_stub.url,
                        "LLM_API_KEY": "test-key", "LLM_CONCURRENCY": "3"}.items():
        monkeypatch.setenv(f"NEWSLETTER_{name}", value)
    return openai_stub


def summarize():
    result = CliRunner().invoke(main, ["summarize"], input=INPUT)
    return [json.loads(line) for line in result.stdout.splitlines()], result.stderr


def test_each_distinct_paper_costs_one_call_and_keeps_its_place(stub):
    out, errors = summarize()
    assert [o["id"] for o in out] == [p["id"] for p in PAPERS] + ["p0"]
    assert all(o["model"] == "openai/stub-model" and not o["degraded"] for o in out)
    assert out[3]["tldr"] == "[English] Paper 3 on sparse attention in one sentence."
    assert "line 11" in errors
    assert len(stub.calls) == len(PAPERS)  # the repeated line was not asked for again


def test_a_rerun_on_the_same_input_makes_no_call(stub):
    first, _ = summarize()
    again, _ = summarize()
    assert again == first
    assert len(stub.calls) == len(PAPERS)


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def command_database(request, cli_env, monkeypatch) -> Services:
    """The services of the command's database: the CLI's SQLite file, or a PostgreSQL one."""
    if request.param == "postgresql":
        monkeypatch.setenv("NEWSLETTER_DATABASE_URL", request.getfixturevalue("postgres_url"))
    return Services(load_settings())


def found(services, query) -> list[str]:
    with session_scope(services.factory) as session:
        return [paper.id for paper in search(session, query).papers]


def test_a_stored_paper_the_command_summarizes_is_found_by_its_summary(stub, command_database):
    with session_scope(command_database.factory) as session:
        Cast(session, command_database).paper(1, title="Sparse attention, $O(n)$",
                                              abstract="We make attention sparse.")
        session.commit()
    assert found(command_database, "sentence") == []
    line = {"id": "2611.00001", "title": "Sparse attention, $O(n)$",
            "abstract": "We make attention sparse."}
    result = CliRunner().invoke(main, ["summarize"], input=json.dumps(line) + "\n")
    [out] = [json.loads(text) for text in result.stdout.splitlines()]
    assert out["tldr"].endswith("in one sentence.")  # the stand-in model's
    assert found(command_database, "sentence") == ["2611.00001"]  # its TeX read as ingest does


HF_LINE = {"id": "hf1", "title": "Zero-shot planners", "abstract": "We study planners.",
           "categories": ["cs.AI"], "ai_summary": "Planners that plan *without* examples.",
           "ai_keywords": ["reinforcement learning", "policy gradient", "reward shaping"]}


def test_without_a_model_hugging_faces_summary_is_the_credited_tldr_and_its_keywords_tag(
        cli_env):
    result = CliRunner().invoke(main, ["summarize"], input=json.dumps(HF_LINE) + "\n")
    [out] = [json.loads(text) for text in result.stdout.splitlines()]
    assert out["degraded"] is False and out["model"] == OFFLINE_MODEL
    assert (out["tldr"], out["tldr_credit"]) == ("Planners that plan without examples.",
                                                 HF_TLDR_CREDIT)
    assert out["topics"] == tag(HF_LINE["title"], HF_LINE["abstract"], ["cs.AI"],
                                keywords=HF_LINE["ai_keywords"])
    assert "Reinforcement Learning" in out["topics"]


def test_a_models_own_tldr_wins_over_hugging_faces(stub):
    result = CliRunner().invoke(main, ["summarize"], input=json.dumps(HF_LINE) + "\n")
    [out] = [json.loads(text) for text in result.stdout.splitlines()]
    assert out["tldr"] == "[English] Zero-shot planners in one sentence."
    assert "tldr_credit" not in out
