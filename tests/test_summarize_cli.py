"""`newsletter summarize` against a model (the stand-in server over real HTTP): a re-run on the
same input makes no call, and the output keeps the input's order."""

import json

import pytest
from click.testing import CliRunner

from newsletter.cli import main
from tests.stubs.openai_api import OpenAIStub

PAPERS = [{"id": f"p{n}", "title": f"Paper {n} on sparse attention",
           "abstract": f"We make attention sparse in way {n}."} for n in range(10)]
INPUT = "".join(json.dumps(p) + "\n" for p in PAPERS) + "not json\n" + json.dumps(PAPERS[0]) + "\n"


@pytest.fixture
def stub(tmp_path, monkeypatch):
    with OpenAIStub() as server:
        monkeypatch.chdir(tmp_path)
        for name, value in {"DATABASE_URL": f"sqlite:///{tmp_path / 'cli.db'}",
                            "LLM_MODEL": "openai/stub-model", "LLM_API_BASE": server.url,
                            "LLM_API_KEY": "test-key", "LLM_CONCURRENCY": "3"}.items():
            monkeypatch.setenv(f"NEWSLETTER_{name}", value)
        yield server


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
