"""Sample contexts for every email, shaped like the ones the project builds.

Used by `newsletter preview` and by the tests; the content is invented.
"""

import datetime

BASE = "https://papers.example.org"


def make_paper(number: int, **overrides) -> dict:
    """A complete paper dict; `number` makes titles and URLs unique."""
    paper = {
        "title": f"Sparse Attention Paper {number}",
        "url": f"https://arxiv.org/abs/2611.{number:05d}",
        "pdf_url": f"https://arxiv.org/pdf/2611.{number:05d}",
        "code_url": f"https://github.com/example/paper-{number}",
        "hf_url": f"https://huggingface.co/papers/2611.{number:05d}",
        "project_url": None,
        "authors": ["Ada Lovelace", "Alan Turing", "Grace Hopper", "Edsger Dijkstra"],
        "organization": "Example Lab",
        "upvotes": 42,
        "github_stars": 1234,
        "tldr": "A sparse attention scheme that halves memory at equal accuracy.",
        "highlights": ["Halves KV-cache memory.", "Matches dense accuracy on long-context tasks."],
        "topics": ["Large Language Models", "Efficient ML"],
        "degraded": False,
        "reason": "Topic: Large Language Models",
        "more_url": f"{BASE}/feedback/tok123/2611.{number:05d}/more",
        "less_url": f"{BASE}/feedback/tok123/2611.{number:05d}/less",
    }
    return paper | overrides


def make_section(topic: str, papers: list[dict]) -> dict:
    return {"topic": topic, "anchor": topic.lower().replace(" ", "-"), "papers": papers}


def common_context(**overrides) -> dict:
    context = {
        "site_name": "ML Papers Daily",
        "base_url": BASE,
        "recipient": "reader@example.com",
        "postal_address": "1 Example Street, 75001 Paris, France",
        "preferences_url": f"{BASE}/preferences/tok123",
        "unsubscribe_url": f"{BASE}/unsubscribe/tok123",
        "reason": "You get this email because you subscribed to ML Papers Daily.",
    }
    return context | overrides


def digest_context(sections: list[dict] | None = None, **overrides) -> dict:
    """A digest of three papers in two topics unless `sections` says otherwise."""
    if sections is None:
        sections = [
            make_section("Large Language Models", [make_paper(1), make_paper(2, degraded=True, reason="You follow Alan Turing")]),
            make_section(
                "Robotics",
                [make_paper(3, upvotes=None, github_stars=None, code_url=None, organization=None,
                            reason="Similar to 'Sparse Attention Paper 1'")],
            ),
        ]
    papers = [paper for section in sections for paper in section["papers"]]
    context = common_context(
        date=datetime.date(2026, 11, 23),
        edition_url=f"{BASE}/editions/2026-11-23",
        paper_count=len(papers),
        topic_count=len(sections),
        sections=sections,
        overflow=[],
        overflow_note=None,
    )
    return context | overrides


_SPECIFIC = {
    "confirmation": lambda: {
        "confirm_url": f"{BASE}/confirm/tok123",
        "topics": ["Robotics", "Computer Vision"],
        "expires_days": 7,
    },
    "welcome": lambda: {
        "when": "Your first digest comes today at 07:00; after that, every day at 07:00 UTC.",
        "topics": [],
        "archive_url": f"{BASE}/archive",
    },
    "preferences_updated": lambda: {
        "changes": [{"field": "Topics", "before": "all topics", "after": "Robotics"}],
    },
    "goodbye": lambda: {"resubscribe_url": f"{BASE}/"},
}


def sample_context(name: str, **overrides) -> dict:
    """The sample context of the email `name`, with `overrides` applied on top."""
    if name == "digest":
        return digest_context(**overrides)
    return common_context(**_SPECIFIC[name]()) | overrides
