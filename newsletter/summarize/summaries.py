"""Summaries and topic tags of papers, kept in the database so that no summary is made twice.

A summary is cached per (text, requested model, prompt version, language). A degraded one
(the offline fallback answered for a failed model, or the daily budget was spent) is made again on
a later run, so it is upgraded once the model answers.

The summaries still to make are asked for in parallel, up to `concurrency` at once, from worker
threads; the database is read and written only from the caller's thread and session.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import Counter
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from typing import Protocol

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from newsletter.config import OFFLINE_MODEL
from newsletter.models import Paper, PaperTopic, Subscriber, Summary, utcnow
from newsletter.subscribers.subscriptions import CONFIRMED
from newsletter.summarize.budget import Budget
from newsletter.summarize.prompt import PROMPT_VERSION, SummaryRequest, written_languages
from newsletter.summarize.topics import Taxonomy, tag

Key = tuple[str, str]  # (content hash, language)


class Summarizer(Protocol):
    model: str

    def summarize(self, request: SummaryRequest, topic_names: list[str],
                  budget: Budget | None = None):
        """Return an object with fields, model, degraded, prompt_tokens, completion_tokens,
        cost_usd, calls, budget_reached. Called from several threads at once."""
        ...


class SummaryReport(Counter):
    """The outcomes of a run (made, cached, degraded), counted like a Counter, with the run's
    model calls, tokens and cost, and whether the daily budget was reached."""

    def __init__(self):
        super().__init__()
        self.calls = self.prompt_tokens = self.completion_tokens = 0
        self.cost_usd = 0.0
        self.budget_reached = False

    def add(self, result) -> None:
        self["degraded" if result.degraded else "made"] += 1
        self.calls += result.calls
        self.prompt_tokens += result.prompt_tokens
        self.completion_tokens += result.completion_tokens
        self.cost_usd += result.cost_usd
        self.budget_reached = self.budget_reached or result.budget_reached

    def as_dict(self) -> dict:
        return {**self, "calls": self.calls, "prompt_tokens": self.prompt_tokens,
                "completion_tokens": self.completion_tokens,
                "cost_usd": round(self.cost_usd, 6), "budget_reached": self.budget_reached}

    @classmethod
    def from_dict(cls, data: dict) -> SummaryReport:
        """The report `as_dict` stored."""
        report = cls()
        report.update({key: data[key] for key in ("made", "cached", "degraded") if key in data})
        report.calls, report.prompt_tokens = data.get("calls", 0), data.get("prompt_tokens", 0)
        report.completion_tokens = data.get("completion_tokens", 0)
        report.cost_usd = data.get("cost_usd", 0.0)
        report.budget_reached = bool(data.get("budget_reached"))
        return report

    @classmethod
    def total(cls, reports) -> SummaryReport:
        """Several reports (the shares of one run's papers) added up."""
        total = cls()
        for report in reports:
            total.update(report)
            total.calls += report.calls
            total.prompt_tokens += report.prompt_tokens
            total.completion_tokens += report.completion_tokens
            total.cost_usd += report.cost_usd
            total.budget_reached = total.budget_reached or report.budget_reached
        return total

    def describe(self) -> str:
        """One line for the run's report."""
        tokens = self.prompt_tokens + self.completion_tokens
        line = (f"{self['made']} made, {self['cached']} cached, {self['degraded']} degraded; "
                f"{self.calls} language-model calls, {tokens} tokens, ${self.cost_usd:.4f}")
        return line + ("; budget reached: the rest used the offline summarizer"
                       if self.budget_reached else "")


def written_offline(summary: Summary) -> bool:
    """Whether no language model wrote this summary: the offline summarizer's, or a fallback."""
    return summary.degraded or summary.model == OFFLINE_MODEL


def summary_languages(session: Session, model: str) -> list[str]:
    """The summary languages some confirmed subscriber chose (English always) that `model` can
    write: the offline summarizer's readers of other languages get the English summaries."""
    query = select(Subscriber.language).where(Subscriber.status == CONFIRMED).distinct()
    chosen = {"en", *session.scalars(query)}
    return sorted(chosen.intersection(written_languages(model)))


def content_hash(title: str, abstract: str) -> str:
    """What a summary depends on: the title and the abstract."""
    return hashlib.sha256(f"{title}\n{abstract}".encode()).hexdigest()


def paper_hash(paper: Paper) -> str:
    return content_hash(paper.title, paper.abstract)


def request_key(request: SummaryRequest) -> Key:
    return content_hash(request.title, request.abstract), request.language


def cached_summary(session: Session, text_hash: str, model: str, language: str) -> Summary | None:
    return session.scalar(
        select(Summary).where(
            Summary.content_hash == text_hash,
            Summary.requested_model == model,
            Summary.prompt_version == PROMPT_VERSION,
            Summary.language == language,
        )
    )


def cached_summaries(session: Session, keys: Sequence[Key], model: str) -> dict[Key, Summary]:
    """`cached_summary` of each of these keys that has one, read in one query."""
    wanted = set(keys)
    query = select(Summary).where(Summary.content_hash.in_({text_hash for text_hash, _ in keys}),
                                  Summary.requested_model == model,
                                  Summary.prompt_version == PROMPT_VERSION,
                                  Summary.language.in_({language for _, language in keys}))
    return {key: summary for summary in session.scalars(query)
            if (key := (summary.content_hash, summary.language)) in wanted}


def summaries_of(session: Session, papers: list[Paper], model: str,
                  language: str) -> dict[str, Summary]:
    """Each paper's summary (by paper id) in `language`, in English where that language has none."""
    hashes = {paper_hash(paper): paper.id for paper in papers}
    query = select(Summary).where(Summary.content_hash.in_(hashes),
                                  Summary.requested_model == model,
                                  Summary.prompt_version == PROMPT_VERSION,
                                  Summary.language.in_({language, "en"}))
    best: dict[str, Summary] = {}
    for summary in session.scalars(query):
        paper_id = hashes[summary.content_hash]
        if summary.language == language or paper_id not in best:
            best[paper_id] = summary
    return best


def start_of_day(moment: dt.datetime) -> dt.datetime:
    """Midnight UTC of `moment`'s day: the daily budget is a UTC day's."""
    return moment.replace(hour=0, minute=0, second=0, microsecond=0)


def spent_today(session: Session, now: dt.datetime | None = None) -> float:
    """US dollars spent on summaries made today (UTC), by every run."""
    since = start_of_day(now or utcnow())
    query = select(func.coalesce(func.sum(Summary.cost_usd), 0.0))
    return float(session.scalar(query.where(Summary.created_at >= since)))


def summarize_requests(session: Session, requests: list[SummaryRequest], summarizer: Summarizer,
                       taxonomy: Taxonomy, *, concurrency: int = 1,
                       daily_budget_usd: float | None = None
                       ) -> tuple[dict[Key, Summary], SummaryReport]:
    """The summary of every request, keyed by (content hash, language), and what it took.
    Cached ones are read; the rest (new or degraded) are made, `concurrency` at a time, and stored."""
    summaries: dict[Key, Summary] = {}
    todo: dict[Key, tuple[SummaryRequest, Summary | None]] = {}
    report = SummaryReport()
    keys = {request_key(request): request for request in requests}
    stored = cached_summaries(session, list(keys), summarizer.model)
    for key, request in keys.items():
        cached = stored.get(key)
        if cached is not None and not cached.degraded:
            summaries[key] = cached
            report["cached"] += 1
        else:
            todo[key] = (request, cached)
    budget = Budget(daily_budget_usd, spent_today(session))
    for key, result in _in_parallel(summarizer, todo, taxonomy.names(), budget, concurrency):
        summaries[key] = store(session, key, result, summarizer.model, todo[key][1])
        report.add(result)
    session.flush()
    return summaries, report


def _in_parallel(summarizer: Summarizer, todo: dict, topic_names: list[str], budget: Budget,
                 concurrency: int):
    """Yield (key, result) as each summary comes back; at most `concurrency` calls at once."""
    if not todo:
        return
    with ThreadPoolExecutor(max_workers=concurrency, thread_name_prefix="summarize") as pool:
        futures = {pool.submit(summarizer.summarize, request, topic_names, budget): key
                   for key, (request, _) in todo.items()}
        for future in as_completed(futures):
            yield futures[future], future.result()


def store(session: Session, key: Key, result, requested_model: str,
          existing: Summary | None) -> Summary:
    """Keep a new summary, or replace a degraded one. What was spent earlier today on the one
    replaced stays counted, so that re-making it cannot hide spend from the daily budget."""
    now = utcnow()
    summary = existing or Summary(content_hash=key[0], requested_model=requested_model,
                                  prompt_version=PROMPT_VERSION, language=key[1])
    if existing is None or existing.created_at < start_of_day(now):
        summary.prompt_tokens, summary.completion_tokens, summary.cost_usd = 0, 0, 0.0
    summary.model, summary.fields, summary.degraded = result.model, result.fields, result.degraded
    summary.prompt_tokens += result.prompt_tokens
    summary.completion_tokens += result.completion_tokens
    summary.cost_usd += result.cost_usd
    summary.created_at = now
    session.add(summary)
    return summary


def papers_by_id(session: Session, paper_ids: Sequence[str]) -> list[Paper]:
    """These papers, in this order, read in one query (not one a paper: a run summarizes its
    whole edition again, every summary cached)."""
    found = {paper.id: paper
             for paper in session.scalars(select(Paper).where(Paper.id.in_(paper_ids)))}
    return [found[paper_id] for paper_id in paper_ids]


def tag_paper(paper: Paper, summary: Summary | None, taxonomy: Taxonomy) -> list[str]:
    """Set the paper's topics: those a language model chose from the taxonomy in its summary,
    else the offline tagger's, which also reads the keywords Hugging Face gave the paper (the
    offline summary's own topics are the tagger's without them)."""
    written = summary is not None and not written_offline(summary)
    names = list((summary.fields.get("topics") if written else None) or [])
    names = names or tag(paper.title, paper.abstract, list(paper.categories), taxonomy,
                         keywords=paper.ai_keywords or [])
    paper.topics = [PaperTopic(topic=name, rank=rank) for rank, name in enumerate(names)]
    return names


def summarize_and_tag(session: Session, paper_ids: list[str], summarizer: Summarizer,
                      taxonomy: Taxonomy, languages: list[str] = ("en",), *,
                      concurrency: int = 1,
                      daily_budget_usd: float | None = None) -> SummaryReport:
    """Summarize (in English and every language asked for) and tag each paper."""
    papers = papers_by_id(session, list(dict.fromkeys(paper_ids)))
    requests = [SummaryRequest(paper.title, paper.abstract, list(paper.categories), language)
                for paper in papers for language in dict.fromkeys(["en", *languages])]
    summaries, report = summarize_requests(session, requests, summarizer, taxonomy,
                                           concurrency=concurrency,
                                           daily_budget_usd=daily_budget_usd)
    for paper in papers:
        tag_paper(paper, summaries[(paper_hash(paper), "en")], taxonomy)
    session.flush()
    return report
