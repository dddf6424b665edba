"""Every figure of the operator's page and of `newsletter stats`, gathered in one call."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy.orm import Session

from newsletter.config import Settings
from newsletter.ingest.source import SourceHealth, source_health
from newsletter.models import utcnow
from newsletter.sources import SourceSpec
from newsletter.stats.days import Window
from newsletter.stats.deliverability import Deliverability, deliverability
from newsletter.stats.runs import RunFigures, recent_runs
from newsletter.stats.subscribers import SubscriberFigures, subscriber_figures
from newsletter.summarize.budget import Budget
from newsletter.summarize.summaries import spent_today

BUDGET_WARNING = 0.8  # the share of the daily LLM budget spent at which the page warns


@dataclass
class Figures:
    counted_at: dt.datetime
    subscribers: SubscriberFigures
    runs: list[RunFigures]
    deliverability: Deliverability
    sources: list[SourceHealth]
    budget: Budget  # today's (UTC) spend and the daily limit (None: no limit)

    @property
    def budget_share(self) -> float | None:
        """The share of today's budget spent (None: no limit)."""
        limit = self.budget.limit_usd
        return None if limit is None else (self.budget.spent_usd / limit if limit else 1.0)

    def warnings(self) -> list[str]:
        """What needs the operator's attention now, in words."""
        said = self.deliverability.warnings()
        share = self.budget_share
        if share is not None and share >= BUDGET_WARNING:
            said.append(f"LLM budget: {share:.0%} of today's ${self.budget.limit_usd:.2f} "
                        "spent" + (" - summaries fall back to the offline summarizer"
                                   if self.budget.exhausted() else ""))
        said += [f"Source {s.kind} {s.url}: last run failed: {s.last_run.error}"
                 for s in self.sources if s.last_run is not None and s.last_run.failed]
        return said


def collect(session: Session, settings: Settings, specs: list[SourceSpec], days: int,
            now: dt.datetime | None = None) -> Figures:
    """The figures of the `days` UTC days up to `now`'s (default: now)."""
    now = now or utcnow()
    window = Window(now.date(), days)
    return Figures(now, subscriber_figures(session, window), recent_runs(session),
                   deliverability(session, window), source_health(session, specs),
                   Budget(settings.llm_daily_budget_usd, spent_today(session, now)))
