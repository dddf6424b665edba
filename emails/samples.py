"""Sample contexts for every email, shaped like the ones the project builds.

Used by `newsletter preview` (with the operator's brand and base URL: `site_name`, `base`) and
by the tests; the content is invented.
"""

import datetime

BASE = "https://papers.example.org"
SITE_NAME = "ML Papers Daily"


def make_paper(number: int, base: str = BASE, **overrides) -> dict:
    """A complete paper dict; `number` makes titles and URLs unique."""
    paper = {
        "title": f"Sparse Attention Paper {number}",
        "url": f"https://arxiv.org/abs/2611.{number:05d}",
        "pdf_url": f"https://arxiv.org/pdf/2611.{number:05d}",
        "code_url": f"https://github.com/example/paper-{number}",
        "hf_url": f"https://huggingface.co/papers/2611.{number:05d}",
        "project_url": None,
        "page_url": f"{base}/papers/2611.{number:05d}",
        "sources": ["arXiv", "Hugging Face Daily Papers"],
        "authors": ["Ada Lovelace", "Alan Turing", "Grace Hopper", "Edsger Dijkstra"],
        "organization": "Example Lab",
        "upvotes": 42,
        "comments": None,
        "github_stars": 1234,
        "tldr": "A sparse attention scheme that halves memory at equal accuracy.",
        "highlights": ["Halves KV-cache memory.", "Matches dense accuracy on long-context tasks."],
        "topics": ["Large Language Models", "Efficient ML"],
        "degraded": False,
        "reason": "Topic: Large Language Models",
        "more_url": f"{base}/feedback/tok123/2611.{number:05d}/more",
        "less_url": f"{base}/feedback/tok123/2611.{number:05d}/less",
    }
    return paper | overrides


def make_section(topic: str, papers: list[dict]) -> dict:
    return {"topic": topic, "anchor": topic.lower().replace(" ", "-"), "papers": papers}


def common_context(base: str = BASE, site_name: str = SITE_NAME, **overrides) -> dict:
    context = {
        "site_name": site_name,
        "base_url": base,
        "recipient": "reader@example.com",
        "postal_address": "1 Example Street, 75001 Paris, France",
        "preferences_url": f"{base}/preferences/tok123",
        "unsubscribe_url": f"{base}/unsubscribe/tok123",
        "reason": f"You get this email because you subscribed to {site_name}.",
    }
    return context | overrides


def digest_context(sections: list[dict] | None = None, base: str = BASE,
                   site_name: str = SITE_NAME, **overrides) -> dict:
    """A digest of three papers in two topics unless `sections` says otherwise."""
    if sections is None:
        sections = [
            make_section("Large Language Models", [
                make_paper(1, base),
                make_paper(2, base, degraded=True, reason="You follow Alan Turing")]),
            make_section(
                "Robotics",
                [make_paper(3, base, upvotes=None, github_stars=None, code_url=None,
                            organization=None, reason="Similar to 'Sparse Attention Paper 1'")],
            ),
        ]
    papers = [paper for section in sections for paper in section["papers"]]
    context = common_context(
        base, site_name,
        date=datetime.date(2026, 11, 23),
        edition_url=f"{base}/editions/2026-11-23",
        paper_count=len(papers),
        topic_count=len(sections),
        sections=sections,
        overflow=[],
        overflow_note=None,
        more_matched=0,
        more_url=f"{base}/editions/2026-11-23",
    )
    return context | overrides


_SPECIFIC = {
    "confirmation": lambda base: {
        "confirm_url": f"{base}/confirm/tok123",
        "topics": ["Robotics", "Computer Vision"],
        "expires_days": 7,
    },
    "welcome": lambda base: {
        "when": "Your first digest comes today at 07:00; after that, every day at 07:00 UTC.",
        "topics": [],
        "archive_url": f"{base}/archive",
    },
    "preferences_updated": lambda base: {
        "changes": [{"field": "Topics", "before": "all topics", "after": "Robotics"}],
    },
    "goodbye": lambda base: {"resubscribe_url": f"{base}/"},
}


def sample_context(name: str, base: str = BASE, **overrides) -> dict:
    """The sample context of the email `name`, its links under `base`, with `overrides`
    (site_name among them) applied on top."""
    site_name = overrides.pop("site_name", SITE_NAME)
    if name == "digest":
        return digest_context(base=base, site_name=site_name, **overrides)
    return common_context(base, site_name, **_SPECIFIC[name](base)) | overrides
