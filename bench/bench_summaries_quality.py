"""What the reader reads: the offline summaries of real recent papers against a reference.

Run: PYTHONPATH=. python bench/bench_summaries_quality.py [--papers bench/data/recent_papers.jsonl]

On `bench/data/recent_papers.jsonl` (real arXiv papers of 2025-2026, TeX as arXiv keeps it):
- ROUGE-L F1 of the offline TL;DR against Hugging Face's `ai_summary` (an LLM's one-line
  summary; the summarizer never sees it: it gets the title, abstract and categories only), next
  to the lead-sentence baseline (the abstract's first sentence, as cleaned);
- the share of TL;DRs that state no contribution or result, cut with "…", opening with a
  dangling connective, or not one sentence;
- debris (TeX and markdown left in the text) in the papers' raw text, and in the cleaned title
  and every summary field;
- the share of distinct sentence slots across tldr, highlights and the prose fields;
- topic tagging P/R/F1 from `bench/bench_tagging.py`'s `tag_figures`, where that exists.
"""

from __future__ import annotations

import argparse
import json
import re
import time
from pathlib import Path

from newsletter.summarize.extractive import summarize
from newsletter.summarize.sentences import is_contribution, role_fit, split_sentences
from newsletter.text import clean_text
from newsletter.text.words import sentence_key

DEFAULT_PAPERS = Path(__file__).parent / "data" / "recent_papers.jsonl"
DEBRIS = re.compile(r"\\[A-Za-z]+|\\[{}%$]|\$|\*\*|\^\{|_\{|\b\d+(?:\.\d+)?times\b"
                    r"|\b(?:mathbb|mathcal|boldsymbol|blfootnote|footnote|href|textbf|emph)\{")
CONNECTIVE = re.compile(r"^(?:Further(?:more)?|Moreover|Additionally|However|Thus|Then|"
                        r"To this end|Specifically|\w+ (?:by|on|from) (?:this|these|that|such))\b")
_TOKEN = re.compile(r"[a-z0-9]+")


def rouge_l(candidate: str, reference: str) -> float:
    """ROUGE-L F1: the longest common subsequence of lower-case word tokens."""
    a, b = _TOKEN.findall(candidate.lower()), _TOKEN.findall(reference.lower())
    if not a or not b:
        return 0.0
    previous = [0] * (len(b) + 1)
    for token in a:
        current = [0]
        for j, other in enumerate(b):
            current.append(previous[j] + 1 if token == other else max(previous[j + 1], current[j]))
        previous = current
    lcs = previous[-1]
    if not lcs:
        return 0.0
    precision, recall = lcs / len(a), lcs / len(b)
    return 2 * precision * recall / (precision + recall)


def lead_sentence(paper: dict) -> str:
    sentences = split_sentences(clean_text(paper["abstract"]))
    return sentences[0] if sentences else clean_text(paper["title"])


def states_nothing(tldr: str) -> bool:
    """A TL;DR with neither a contribution ("we propose") nor a result cue."""
    return not is_contribution(tldr) and role_fit(tldr)["result"] == 0


def slots(result: dict) -> list[str]:
    prose = [s for name in ("summary", "methodology", "results", "implications")
             for s in split_sentences(result[name])]
    return [result["tldr"], *result["highlights"], *prose]


def measure(papers: list[dict]) -> dict:
    figures = {"papers": len(papers), "with_reference": 0, "rouge": 0.0, "rouge_lead": 0.0,
               "nothing": 0, "nothing_lead": 0, "ellipsis": 0, "connective": 0, "not_one": 0,
               "debris_raw": 0, "debris_out": 0, "slots": 0, "distinct": 0, "seconds": 0.0}
    for paper in papers:
        started = time.perf_counter()
        result = summarize(paper["title"], paper["abstract"], paper.get("categories") or [])
        figures["seconds"] += time.perf_counter() - started
        tldr, lead = result["tldr"], lead_sentence(paper)
        if paper.get("ai_summary"):
            figures["with_reference"] += 1
            figures["rouge"] += rouge_l(tldr, paper["ai_summary"])
            figures["rouge_lead"] += rouge_l(lead, paper["ai_summary"])
        figures["nothing"] += states_nothing(tldr)
        figures["nothing_lead"] += states_nothing(lead)
        figures["ellipsis"] += tldr.endswith("…")
        figures["connective"] += bool(CONNECTIVE.match(tldr))
        figures["not_one"] += len(split_sentences(tldr)) != 1
        figures["debris_raw"] += bool(DEBRIS.search(paper["title"] + " " + paper["abstract"]))
        every = slots(result)
        shown = [clean_text(paper["title"]), *every]  # the title as ingest stores it
        figures["debris_out"] += any(DEBRIS.search(text) for text in shown)
        figures["slots"] += len(every)
        figures["distinct"] += len({sentence_key(text) for text in every})
    return figures


def print_figures(title: str, f: dict) -> None:
    n, refs = f["papers"], max(f["with_reference"], 1)
    print(f"\n{title}: {n} papers, {f['with_reference']} with Hugging Face's ai_summary")
    print(f"  ROUGE-L F1 of the TL;DR vs ai_summary: offline {f['rouge'] / refs:.3f}, "
          f"lead sentence {f['rouge_lead'] / refs:.3f}")
    print(f"  TL;DRs with no contribution or result: offline {f['nothing'] / n:.1%}, "
          f"lead sentence {f['nothing_lead'] / n:.1%}")
    print(f"  TL;DRs cut with an ellipsis {f['ellipsis']}, opening with a connective "
          f"{f['connective']}, not one sentence {f['not_one']}")
    print(f"  debris: in the raw title or abstract of {f['debris_raw']} papers, "
          f"in the cleaned title or summary fields of {f['debris_out']}")
    print(f"  distinct sentence slots: {f['distinct']} of {f['slots']} "
          f"({f['distinct'] / max(f['slots'], 1):.1%})")
    print(f"  summarizing: {1000 * f['seconds'] / max(n, 1):.1f} ms a paper")


def print_tags(papers: list[dict]) -> None:
    try:
        from bench.bench_tagging import tag_figures
    except ImportError:
        print("\ntags: skipped (bench/bench_tagging.py has no tag_figures on this branch)")
        return
    for split in ("tuning", "test"):
        figures = tag_figures([p for p in papers if p.get("split") == split])
        line = ", ".join(f"{kind} P {figures[kind]['precision']:.2f} R {figures[kind]['recall']:.2f}"
                         f" F1 {figures[kind]['f1']:.2f}" for kind in ("micro", "macro"))
        print(f"\ntags, {split} split ({figures['papers']} papers): {line}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--papers", type=Path, default=DEFAULT_PAPERS)
    args = parser.parse_args()
    lines = args.papers.read_text(encoding="utf-8").splitlines()
    papers = [json.loads(line) for line in lines if line.strip()]
    print_figures("all papers", measure(papers))
    for split in ("tuning", "test"):
        print_figures(f"{split} split", measure([p for p in papers if p.get("split") == split]))
    print_tags(papers)


if __name__ == "__main__":
    main()
