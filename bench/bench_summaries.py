"""Parallel summaries: wall time against the ideal, and the calls of a re-run (must be 0).

Run: PYTHONPATH=. python bench/bench_summaries.py [--papers 200] [--latency 1.0] [--concurrency 8 16]

For each concurrency, a fresh SQLite database and the stand-in OpenAI-compatible server
(`tests/stubs/openai_api.py`, answering every call after `latency` seconds) on 127.0.0.1, reached
through litellm over real HTTP. The ideal wall time is papers / concurrency x latency: what perfect
parallelism with no overhead would take. The re-run asks for the same papers again, which the
database answers.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from newsletter.db import make_engine, make_session_factory, session_scope, upgrade
from newsletter.summarize.llm import LLMSummarizer, SummaryRequest
from newsletter.summarize.summaries import summarize_requests
from newsletter.summarize.topics import load_taxonomy
from tests.stubs.openai_api import Answer, OpenAIStub


def requests(count: int) -> list[SummaryRequest]:
    return [SummaryRequest(f"Benchmark paper {n}: sparse attention at scale",
                           f"We study attention sparsity pattern {n}. It improves speed by {n}%.",
                           ["cs.LG"]) for n in range(count)]


def run_once(factory, summarizer, papers, concurrency) -> tuple[float, int]:
    """(wall seconds, model calls) of one summarizing pass over `papers`."""
    taxonomy = load_taxonomy(None)
    started = time.perf_counter()
    with session_scope(factory) as session:
        _, report = summarize_requests(session, papers, summarizer, taxonomy,
                                       concurrency=concurrency)
    return time.perf_counter() - started, report.calls


def bench(count: int, latency: float, concurrency: int) -> None:
    with tempfile.TemporaryDirectory() as folder, OpenAIStub(Answer(delay=latency)) as stub:
        url = f"sqlite:///{Path(folder) / 'bench.db'}"
        upgrade(url)
        factory = make_session_factory(make_engine(url))
        summarizer = LLMSummarizer("openai/stub-model", api_base=stub.url, api_key="bench",
                                   timeout=30)
        papers = requests(count)
        wall, calls = run_once(factory, summarizer, papers, concurrency)
        rerun_wall, rerun_calls = run_once(factory, summarizer, papers, concurrency)
        ideal = count / concurrency * latency
        print(f"concurrency {concurrency:>3}: {count} papers, {calls} calls, wall {wall:6.2f} s, "
              f"ideal {ideal:6.2f} s, ratio {wall / ideal:.3f}; peak in flight "
              f"{stub.peak_in_flight}; re-run {rerun_calls} calls in {rerun_wall:.2f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--papers", type=int, default=200)
    parser.add_argument("--latency", type=float, default=1.0)
    parser.add_argument("--concurrency", type=int, nargs="+", default=[8, 16])
    args = parser.parse_args()
    LLMSummarizer()  # imports litellm once, outside the timed passes
    for concurrency in args.concurrency:
        bench(args.papers, args.latency, concurrency)


if __name__ == "__main__":
    main()
