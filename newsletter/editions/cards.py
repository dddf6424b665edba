"""A paper card: what every surface shows of one paper (the digest email, the archive's pages, the
search results, the paper's own page), read once from the paper, its sources and its summary.

A card is a plain dict, because the `emails` library and the Jinja2 partial `_paper.html` take
plain values:

  title, authors, organization, sources (the names of the sources that carried it),
  upvotes, comments, github_stars (None when no source gave one),
  url (the paper's own page out: its arXiv abstract, else its first link), pdf_url, code_url,
  hf_url, project_url, page_url (its page on this site: /papers/{public id}, absolute when a base
  URL is given), tldr, tldr_credit (who wrote a TL;DR that is not ours, e.g. "TL;DR: Hugging
  Face"; None for the summary's own), highlights (those that do not repeat the TL;DR: it is
  shown once), topics, degraded (the summary is extractive, or missing).

Without a language model, a paper Hugging Face summarized gets Hugging Face's one-line summary
as its TL;DR (an LLM wrote it), credited; a model's own TL;DR is always the one shown.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from sqlalchemy.orm import Session

from newsletter.editions.paper_links import paper_url
from newsletter.editions.trending import signals_of
from newsletter.models import Paper, Summary
from newsletter.summarize.summaries import summaries_of, written_offline

SOURCE_NAMES = {"arxiv": "arXiv", "arxiv-api": "arXiv", "hf": "Hugging Face Daily Papers"}
_TEXT_SIGNALS = ("github_repo", "project_page", "organization", "hf_url")
HF_TLDR_CREDIT = "TL;DR: Hugging Face"


def card(paper: Paper, summary: Summary | None, base_url: str = "") -> dict:
    """The card of one paper with its summary (None: not summarized yet). `base_url` (the
    site's, for emails and feeds) makes `page_url` absolute; empty, it is the site path."""
    fields = summary.fields if summary else {}
    counts, text = signals_of(paper), _text_signals(paper)
    offline = summary is None or written_offline(summary)
    tldr, credit = _tldr(paper, fields, offline)
    return {
        "title": paper.title,
        "authors": list(paper.authors),
        "organization": text.get("organization"),
        "sources": source_names(paper),
        "upvotes": counts.upvotes or None,
        "comments": counts.comments or None,
        "github_stars": counts.github_stars or None,
        "url": paper.links.get("abstract") or paper.links.get("html") or _first_link(paper),
        "pdf_url": paper.links.get("pdf"),
        "code_url": paper.links.get("code") or text.get("github_repo"),
        "hf_url": paper.links.get("hf") or text.get("hf_url"),
        "project_url": paper.links.get("project") or text.get("project_page"),
        "page_url": paper_url(base_url, paper),
        "tldr": tldr,
        "tldr_credit": credit,
        "highlights": _besides(tldr, fields.get("highlights") or []),
        "topics": paper.topic_names,
        # shown as "extractive summary": honest about summaries no language model wrote
        "degraded": offline,
    }


def _tldr(paper: Paper, fields: dict, offline: bool) -> tuple[str, str | None]:
    """The TL;DR to show and its credit: a model's own, else Hugging Face's summary (a model
    wrote it), else the offline one, else the abstract's first sentence or the title."""
    if offline and paper.ai_summary:
        return paper.ai_summary, HF_TLDR_CREDIT
    return fields.get("tldr") or _first_sentence(paper.abstract) or paper.title, None


def cards(session: Session, papers: list[Paper], model: str, base_url: str = "",
          language: str = "en") -> list[dict]:
    """The cards of `papers`, in order, their summaries by `model` in `language` (else English)
    read with one query."""
    summaries = summaries_of(session, papers, model, language)
    return [card(paper, summaries.get(paper.id), base_url) for paper in papers]


def source_names(paper: Paper) -> list[str]:
    """The sources that carried the paper, each named once, in the order they first did: arXiv,
    Hugging Face Daily Papers, or the host of any other feed."""
    names = [SOURCE_NAMES.get(s.source_kind) or urlsplit(s.source_url).hostname or s.source_kind
             for s in paper.sources]
    return list(dict.fromkeys(names))


def _text_signals(paper: Paper) -> dict:
    """The first non-empty value of each text signal (repository, project page, organization,
    Hugging Face page) over the paper's sources."""
    found: dict = {}
    for source in paper.sources:
        for key in _TEXT_SIGNALS:
            if source.signals.get(key) not in (None, ""):
                found.setdefault(key, source.signals[key])
    return found


def _first_link(paper: Paper) -> str | None:
    return next(iter(paper.links.values()), None)


def _first_sentence(abstract: str) -> str:
    """The abstract's first sentence: the TL;DR of a paper not summarized yet."""
    text = " ".join((abstract or "").split())
    head, dot, _ = text.partition(". ")
    return head + dot.strip() if dot else text


def _besides(tldr: str, highlights: list[str]) -> list[str]:
    # extractive summaries often make their first sentence both the TL;DR and a highlight
    shown = " ".join(tldr.split()).casefold()
    return [h for h in highlights if " ".join(h.split()).casefold() != shown]
