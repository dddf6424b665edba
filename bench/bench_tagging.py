"""Precision, recall and F1 of `newsletter.summarize.topics.tag` against hand-labelled papers.

Run: PYTHONPATH=. python bench/bench_tagging.py [--labels FILE] [--taxonomy FILE]

The labelled set is split by line number: the keywords of the bundled taxonomy were tuned by
looking only at the even-numbered lines (the tuning split), so the odd-numbered lines (the held-out
split) are the honest figures. Both are printed; only the held-out table gets per-topic rows.
"""

from __future__ import annotations

import argparse
import json
from collections import Counter
from pathlib import Path

from newsletter.summarize.topics import load_taxonomy, tag

DEFAULT_LABELS = Path(__file__).parent.parent / "tests" / "fixtures" / "labelled_papers.jsonl"


def load_labelled(path: Path) -> list[dict]:
    """The labelled papers, in file order (line 1 first)."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


def count_outcomes(papers: list[dict], taxonomy) -> tuple[Counter, Counter, Counter]:
    """True positives, false positives and false negatives per topic name."""
    tp, fp, fn = Counter(), Counter(), Counter()
    for paper in papers:
        gold = set(paper["topics"])
        predicted = set(tag(paper["title"], paper["abstract"], paper["categories"], taxonomy))
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


def format_row(name: str, tp: int, fp: int, fn: int) -> str:
    precision, recall, f1 = prf(tp, fp, fn)
    return (
        f"{name:<24} {tp + fn:>4} {tp:>4} {fp:>4} {fn:>4}  {precision:5.2f} {recall:5.2f} {f1:5.2f}"
    )


def report(title: str, papers: list[dict], taxonomy, per_topic: bool) -> None:
    """Print the table of one split: per topic (optional), then micro and macro averages."""
    tp, fp, fn = count_outcomes(papers, taxonomy)
    print(f"\n{title}: {len(papers)} papers")
    print(f"{'topic':<24} {'gold':>4} {'tp':>4} {'fp':>4} {'fn':>4}  {'P':>5} {'R':>5} {'F1':>5}")
    names = taxonomy.names()
    if per_topic:
        for name in names:
            print(format_row(name, tp[name], fp[name], fn[name]))
    print(format_row("micro average", sum(tp.values()), sum(fp.values()), sum(fn.values())))
    macro = [prf(tp[n], fp[n], fn[n]) for n in names]
    p, r, f = (sum(values) / len(names) for values in zip(*macro))
    print(f"{'macro average':<24} {'':>4} {'':>4} {'':>4} {'':>4}  {p:5.2f} {r:5.2f} {f:5.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--labels", type=Path, default=DEFAULT_LABELS)
    parser.add_argument("--taxonomy", type=Path, default=None)
    args = parser.parse_args()
    taxonomy = load_taxonomy(args.taxonomy)
    papers = load_labelled(args.labels)
    print("Topic tagging vs hand labels. Keywords were tuned on the even-numbered lines only;")
    print("the odd-numbered lines are held out and are the figures to quote.")
    report("HELD-OUT (odd lines)", papers[0::2], taxonomy, per_topic=True)
    report("tuning split (even lines), for reference", papers[1::2], taxonomy, per_topic=False)


if __name__ == "__main__":
    main()
