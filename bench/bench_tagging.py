"""Precision, recall and F1 of `newsletter.summarize.topics.tag` against labelled papers.

Run: PYTHONPATH=. python bench/bench_tagging.py [--taxonomy FILE]

Two labelled sets, each in two fixed halves, with per-topic rows for both halves:
- the real recent papers of `bench/data/recent_papers.jsonl` (2025-2026, most of them from
  Hugging Face Daily Papers; labels from arXiv categories, titles and Hugging Face's tags, see
  bench/data/README.md). Its `split` field is fixed by SHA-1 of the arXiv id: the bundled
  taxonomy's weights, phrases and scoring were tuned on the `tuning` half only, so the `test`
  half gives the figures to quote;
- the hand-labelled classics of `tests/fixtures/labelled_papers.jsonl` (well-known papers of
  2012-2023), split by line number: tuned on the even-numbered lines, odd-numbered held out.
The tagger gets what a source gives: title, abstract, categories and, where Hugging Face has
them, its `ai_keywords`.
"""

from __future__ import annotations

import argparse
import json
from collections import Counter
from pathlib import Path

from newsletter.summarize.topics import Taxonomy, load_taxonomy, tag

ROOT = Path(__file__).parent.parent
RECENT = ROOT / "bench" / "data" / "recent_papers.jsonl"
CLASSICS = ROOT / "tests" / "fixtures" / "labelled_papers.jsonl"
_MEASURES = ("precision", "recall", "f1")


def load_labelled(path: Path) -> list[dict]:
    """The labelled papers, in file order (line 1 first)."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


def count_outcomes(papers: list[dict], taxonomy: Taxonomy) -> tuple[Counter, Counter, Counter]:
    """True positives, false positives and false negatives per topic name."""
    tp, fp, fn = Counter(), Counter(), Counter()
    for paper in papers:
        gold = set(paper["topics"])
        predicted = set(tag(paper["title"], paper["abstract"], paper["categories"], taxonomy,
                            keywords=paper.get("ai_keywords") or []))
        tp.update(gold & predicted)
        fp.update(predicted - gold)
        fn.update(gold - predicted)
    return tp, fp, fn


def prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    """Precision, recall, F1; 0.0 where undefined."""
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def tag_figures(papers: list[dict], taxonomy: Taxonomy | None = None) -> dict:
    """The figures of one set of labelled papers: `papers` (how many), `micro` and `macro`
    ({precision, recall, f1}), and `topics` (name -> {gold, tp, fp, fn, precision, recall, f1})."""
    taxonomy = taxonomy or load_taxonomy()
    tp, fp, fn = count_outcomes(papers, taxonomy)
    topics = {}
    for name in taxonomy.names():
        p, r, f = prf(tp[name], fp[name], fn[name])
        topics[name] = {"gold": tp[name] + fn[name], "tp": tp[name], "fp": fp[name],
                        "fn": fn[name], "precision": p, "recall": r, "f1": f}
    micro = prf(sum(tp.values()), sum(fp.values()), sum(fn.values()))
    macro = {key: sum(t[key] for t in topics.values()) / len(topics) for key in _MEASURES}
    return {"papers": len(papers), "micro": dict(zip(_MEASURES, micro)), "macro": macro,
            "topics": topics}


def format_row(name: str, row: dict) -> str:
    counts = "".join(f" {row[key]:>4}" for key in ("gold", "tp", "fp", "fn"))
    return (f"{name:<24}{counts}  {row['precision']:5.2f} {row['recall']:5.2f} {row['f1']:5.2f}")


def report(title: str, papers: list[dict], taxonomy: Taxonomy) -> None:
    """Print the table of one half: per topic, then micro and macro averages."""
    figures = tag_figures(papers, taxonomy)
    print(f"\n{title}: {figures['papers']} papers")
    print(f"{'topic':<24} {'gold':>4} {'tp':>4} {'fp':>4} {'fn':>4}  {'P':>5} {'R':>5} {'F1':>5}")
    for name, row in figures["topics"].items():
        print(format_row(name, row))
    totals = {key: sum(row[key] for row in figures["topics"].values())
              for key in ("gold", "tp", "fp", "fn")}
    print(format_row("micro average", {**totals, **figures["micro"]}))
    macro = figures["macro"]
    print(f"{'macro average':<44}  {macro['precision']:5.2f} {macro['recall']:5.2f} "
          f"{macro['f1']:5.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--taxonomy", type=Path, default=None)
    args = parser.parse_args()
    taxonomy = load_taxonomy(args.taxonomy)
    recent = load_labelled(RECENT)
    print("Topic tagging vs labels. Tuned on the tuning halves only: quote the test halves.")
    report("RECENT PAPERS, TEST half", [p for p in recent if p["split"] == "test"], taxonomy)
    report("recent papers, tuning half", [p for p in recent if p["split"] == "tuning"], taxonomy)
    classics = load_labelled(CLASSICS)
    report("CLASSICS, HELD-OUT half (odd lines)", classics[0::2], taxonomy)
    report("classics, tuning half (even lines)", classics[1::2], taxonomy)


if __name__ == "__main__":
    main()
