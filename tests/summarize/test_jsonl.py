"""`newsletter summarize` against a model (the stand-in server over real HTTP): a re-run on the
same input makes no call, and the output keeps the input's order."""

import json

import pytest
from click.testing import CliRunner

from newsletter.cli import main

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
