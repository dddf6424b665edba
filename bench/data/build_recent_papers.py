"""Rebuild bench/data/recent_papers.jsonl from local snapshots of public archives (see README.md).

Run: python bench/data/build_recent_papers.py HF_DIR LISTING.jsonl [LISTING.jsonl ...] \
         > bench/data/recent_papers.jsonl

HF_DIR holds Hugging Face Daily Papers API answers, one `YYYY-MM-DD.json` per day (a JSON list of
items with the paper under "paper": id, title, summary, authors, ai_summary, ai_keywords). Each
LISTING file is the concatenation of the daily `data/YYYY-MM-DD.jsonl` files of a
daily-arXiv-ai-enhanced archive: one arXiv listing entry per line with `id`, `categories`
(primary first), `authors`, `title`, `summary` (the abstract). The listings give the categories
the Daily Papers API does not carry. Selection and labels are deterministic: the same snapshots
give the same file.
"""

from __future__ import annotations

import hashlib
import json
import re
import sys
from pathlib import Path

# Hugging Face Daily Papers per primary category: the day's most-discussed papers, as a digest
# reader sees them (mostly cs.CV, cs.CL and cs.AI). Primary categories not listed share OTHER.
HF_QUOTAS = {"cs.CV": 130, "cs.CL": 110, "cs.AI": 80, "cs.LG": 60, "cs.GR": 20, "cs.RO": 10}
HF_OTHER = 40
# Listing-only papers (not on Daily Papers) for the topics daily papers rarely cover, so every
# topic of the taxonomy has papers to be measured on.
LISTING_QUOTAS = {
    "cs.RO": 25, "cs.LG": 40, "stat.ML": 10, "cs.SD": 8, "eess.AS": 6, "cs.CR": 10, "cs.MA": 6,
    "math.OC": 5, "eess.SP": 4, "cs.SI": 4, "cs.DC": 5, "cs.NE": 4, "eess.IV": 6, "cs.IR": 5,
}

# arXiv categories (primary or cross-listed) -> taxonomy topic. These are the authors' own
# classification, moderated by arXiv, so they are the strongest labels available.
CATEGORY_TOPICS = {
    "cs.CV": "Computer Vision", "eess.IV": "Computer Vision", "cs.GR": "Computer Vision",
    "cs.CL": "NLP", "cs.RO": "Robotics", "cs.SD": "Speech & Audio", "eess.AS": "Speech & Audio",
    "cs.MA": "Agents", "math.OC": "Optimization", "stat.TH": "Theory", "math.ST": "Theory",
    "math.PR": "Theory", "cs.MM": "Multimodal", "q-bio": "Science & Health",
    "physics": "Science & Health", "astro-ph": "Science & Health", "cond-mat": "Science & Health",
    "quant-ph": "Science & Health", "q-fin": "Science & Health",
}

# Topics arXiv has no category for are labelled from the paper's TITLE: the few words authors
# choose to name what their paper is about. A title phrase is a label, never the abstract's words.
TITLE_TOPICS = {
    "Large Language Models": r"\b(LLMs?|large language models?|language models?|GPT|reasoning models?|LRMs?|chain[- ]of[- ]thought|in-context learning|instruction tuning|RLHF|RLVR)\b",
    "Multimodal": r"\b(multi-?modal|vision[- ]language|VLMs?|MLLMs?|LVLMs?|audio-visual|visual question|image-text|text-to-image|text-to-video|VLA)\b",
    "Generative Models": r"\b((?<!drift-)diffusion|generative|generation|GANs?|flow matching|text-to-image|text-to-video|image synthesis|video synthesis|autoregressive image|VAE)\b",
    "Reinforcement Learning": r"\b(reinforcement learning|RL|policy optimi[sz]ation|reward models?|GRPO|PPO|offline RL|bandits?|Q-learning)\b",
    "Graph Learning": r"\b(graphs?|GNNs?|graph neural|message passing|knowledge graphs?)\b",
    "Time Series": r"\b(time[- ]series|forecasting|temporal sequences?)\b",
    "Theory": r"\b(theory|theoretical|provabl[ey]|convergence|generalization bounds?|sample complexity|minimax|regret bounds?)\b",
    "Optimization": r"\b(optimi[sz]er|gradient descent|SGD|Adam|convex|optimi[sz]ation algorithm|learning rate)\b",
    "Efficient ML": r"\b(efficient|efficiency|quantiz\w*|pruning|compression|sparse|sparsity|KV[- ]cache|distillation|accelerat\w*|low-rank|LoRA|speculative decoding|lightweight|inference cost)\b",
    "Interpretability": r"\b(interpretab\w*|explainab\w*|explanations?|mechanistic|probing|sparse autoencoders?|circuits?|attribution|saliency)\b",
    "Federated Learning": r"\b(federated)\b",
    "Safety & Alignment": r"\b(safety|safe|alignment|aligned|jailbreak\w*|adversarial|attacks?|privacy|red[- ]teaming|harmful|backdoor|unlearning|hallucinat\w*|watermark\w*)\b",
    "Agents": r"\b(agents?|agentic|tool[- ]use|tool[- ]calling|web navigation|GUI)\b",
    "Datasets & Benchmarks": r"\b(benchmarks?|benchmarking|datasets?|corpus|corpora|leaderboard|evaluation suite)\b",
    "Science & Health": r"\b(medical|clinical|health\w*|patients?|protein\w*|molecul\w*|biolog\w*|chemistry|chemical|genomic\w*|drug|radiology|pathology|MRI|CT|physics|climate|weather|materials?|cell|single-cell|surgical|disease|EHR)\b",
    "Speech & Audio": r"\b(speech|audio|ASR|TTS|spoken|voice|music|acoustic)\b",
    "Robotics": r"\b(robot\w*|manipulation|embodied|locomotion|autonomous driving|grasp\w*|humanoid)\b",
    "Computer Vision": r"\b(image|images|video|visual|vision|3D|point clouds?|segmentation|detection|depth|pose|scene|camera)\b",
}


def label(entry: dict, keywords: list[str]) -> list[str]:
    """The taxonomy topics of a paper: its categories', its title's and its HF keywords'."""
    topics = set()
    for category in entry["categories"]:
        archive = category.split(".")[0]
        topic = CATEGORY_TOPICS.get(category) or CATEGORY_TOPICS.get(archive)
        if topic:
            topics.add(topic)
    for topic, pattern in TITLE_TOPICS.items():
        if re.search(pattern, entry["title"], flags=re.IGNORECASE):
            topics.add(topic)
        # A keyword counts only when it names the topic itself ("reinforcement learning",
        # "Vision-Language Models (VLMs)", at most one modifier word before it), not when it
        # merely contains a topic word ("video generation quality" is not a generative-models tag).
        whole = rf"(?:[\w\-]+\s)?(?:{pattern})"
        if any(re.fullmatch(whole, _bare(k), flags=re.IGNORECASE) for k in keywords):
            topics.add(topic)
    # The taxonomy's NLP is "language processing other than LLMs and speech" (its `defers_to`):
    # a cs.CL paper about an LLM is an LLM paper for a reader, not also a generic NLP one.
    if topics & {"Large Language Models", "Speech & Audio"}:
        topics.discard("NLP")
    return sorted(topics)


def _bare(keyword: str) -> str:
    """A keyword without its parenthesised acronym: "Large Language Models (LLMs)" -> the name."""
    return re.sub(r"\s*\([^)]*\)", "", keyword).strip()


def _rank(arxiv_id: str) -> str:
    return hashlib.sha1(arxiv_id.encode()).hexdigest()


def _listing_entries(paths: list[str]) -> dict[str, dict]:
    """Listing entries by arXiv id (first seen wins), recent ids only."""
    entries = {}
    for path in paths:
        for line in open(path, encoding="utf-8"):
            try:
                entry = json.loads(line)
            except ValueError:
                continue
            arxiv_id = entry.get("id") or ""
            if not re.fullmatch(r"2[56]\d{2}\.\d{5}", arxiv_id) or arxiv_id in entries:
                continue
            if entry.get("categories") and entry.get("summary") and entry.get("title"):
                entries[arxiv_id] = entry
    return entries


def _daily_papers(hf_dir: Path) -> dict[str, dict]:
    """Daily Papers' papers by arXiv id (first day seen wins), with the day they were listed."""
    papers = {}
    for path in sorted(hf_dir.glob("202[56]-*.json")):
        try:
            items = json.loads(path.read_text(encoding="utf-8"))
        except ValueError:
            continue
        for item in items if isinstance(items, list) else []:
            paper = item.get("paper") if isinstance(item, dict) else None
            if isinstance(paper, dict) and paper.get("id") and paper["id"] not in papers:
                papers[paper["id"]] = {**paper, "day": path.stem}
    return papers


def _pick(entries: list[dict], quotas: dict[str, int], other: int) -> list[dict]:
    """Per primary category, the first `quota` entries in the order of SHA-1(id)."""
    by_primary: dict[str, list[dict]] = {}
    for entry in entries:
        primary = entry["categories"][0]
        by_primary.setdefault(primary if primary in quotas else "other", []).append(entry)
    chosen = []
    for primary, group in by_primary.items():
        chosen += sorted(group, key=lambda e: _rank(e["id"]))[: quotas.get(primary, other)]
    return chosen


def _row(entry: dict, daily: dict | None) -> dict:
    keywords = [k for k in (daily or {}).get("ai_keywords") or [] if isinstance(k, str)]
    return {
        "arxiv_id": entry["id"],
        "title": " ".join(entry["title"].split()),
        "abstract": " ".join(entry["summary"].split()),
        "authors": entry.get("authors") or [],
        "categories": [c for c in entry["categories"] if re.fullmatch(r"[a-z\-]+(\.[A-Za-z\-]+)?", c)],
        "date": daily["day"] if daily else f"20{entry['id'][:2]}-{entry['id'][2:4]}",
        "source": "hf-daily" if daily else "arxiv-listing",
        "topics": label(entry, keywords),
        "ai_summary": (daily or {}).get("ai_summary") or None,
        "ai_keywords": keywords,
        # Fixed split by a hash of the arXiv id: tune on "tuning" only, quote "test".
        "split": "tuning" if int(_rank(entry["id"])[-1], 16) % 2 == 0 else "test",
    }


def main(hf_dir: str, listing_paths: list[str]) -> None:
    listings = _listing_entries(listing_paths)
    daily = _daily_papers(Path(hf_dir))
    on_daily = [listings[i] for i in daily if i in listings]
    off_daily = [e for i, e in listings.items() if i not in daily]
    chosen = [(e, daily[e["id"]]) for e in _pick(on_daily, HF_QUOTAS, HF_OTHER)]
    chosen += [(e, None) for e in _pick(off_daily, LISTING_QUOTAS, 0)]
    for entry, paper in sorted(chosen, key=lambda pair: pair[0]["id"]):
        print(json.dumps(_row(entry, paper), ensure_ascii=False))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2:])
