"""The figures as `newsletter stats` prints them for a terminal."""

from __future__ import annotations

from newsletter.stats.deliverability import RECENT_DAYS
from newsletter.stats.figures import Figures
from newsletter.stats.runs import RunFigures
from newsletter.stats.subscribers import STATUSES

DAY_COLUMNS = ("sign-ups", "confirms", "unsubs", "sent", "bounces", "complaints")


def lines(figures: Figures) -> list[str]:
    window = figures.subscribers.window
    out = [f"Figures of the {window.days} days {window.first} to {window.last} (UTC), "
           f"counted {figures.counted_at:%Y-%m-%d %H:%M} UTC", ""]
    out += [f"WARNING: {warning}" for warning in figures.warnings()]
    out += _subscribers(figures) + _days(figures) + _deliverability(figures)
    out += ["", "Recent runs:"] + [line for run in figures.runs for line in _run(run)]
    if not figures.runs:
        out.append("  none yet")
    out += ["", "Sources:"] + ["  " + line for s in figures.sources for line in s.lines()]
    if not figures.sources:
        out.append("  none yet")
    return [*out, "", _budget(figures)]


def _subscribers(figures: Figures) -> list[str]:
    subscribers = figures.subscribers
    now = ", ".join(f"{subscribers.now[status]} {status}" for status in STATUSES)
    since = subscribers.counted_since
    return [f"Subscribers now: {now}",
            f"  (each daily run counts them: the right-hand columns, since {since})" if since
            else "  (no daily counts before today yet: each daily run records one)"]


def _days(figures: Figures) -> list[str]:
    subscribers, mail = figures.subscribers, figures.deliverability
    header = " ".join([f"{'day':<10}", *(f"{name:>10}" for name in DAY_COLUMNS), "|",
                       *(f"{status:>12}" for status in STATUSES)])
    out = ["", header]
    for day in reversed(subscribers.window.dates()):
        values = [subscribers.signups, subscribers.confirmations, subscribers.unsubscribes,
                  mail.sent, mail.bounces, mail.complaints]
        counted = subscribers.history.get(day)
        totals = [str(counted[status]) if counted else "-" for status in STATUSES]
        out.append(" ".join([f"{day.isoformat():<10}",
                             *(f"{counts.get(day, 0):>10}" for counts in values), "|",
                             *(f"{total:>12}" for total in totals)]))
    return out


def _deliverability(figures: Figures) -> list[str]:
    out = ["", f"Deliverability (last {RECENT_DAYS} days):"]
    for rate in figures.deliverability.rates():
        out += [f"  {rate.describe()}", f"    limits: {rate.threshold.source}"]
    return out


def _run(run: RunFigures) -> list[str]:
    took = f"{run.seconds:.0f}s" if run.seconds is not None else "still running"
    s, emails = run.summaries, run.emails
    out = [f"  #{run.id} {run.started_at:%Y-%m-%d %H:%M} UTC, {run.state}, {took}, "
           f"{run.kind} run for {run.date}"]
    out += [f"    source {src.kind} {src.url}: "
            + (f"FAILED: {src.error}" if src.error else f"{src.new} new, {src.merged} merged")
            for src in run.sources]
    out.append(f"    summaries: {s['made']} made, {s['cached']} cached, {s['degraded']} "
               f"degraded; {s.calls} LLM calls, {run.tokens} tokens, ${s.cost_usd:.4f}")
    out.append(f"    emails: {emails['sent']} sent, {emails['failed']} failed, "
               f"{emails['held']} held")
    out += [f"    problem: {problem}" for problem in run.problems]
    return out


def _budget(figures: Figures) -> str:
    budget, share = figures.budget, figures.budget_share
    if share is None:
        return f"LLM spend today (UTC): ${budget.spent_usd:.4f}, no daily limit set"
    return (f"LLM budget today (UTC): ${budget.spent_usd:.4f} of ${budget.limit_usd:.2f} "
            f"({share:.0%})")
