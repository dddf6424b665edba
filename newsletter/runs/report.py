"""The one report of a run, whichever mode ran it: what each step of the day did, stored in the
run's `runs` row, printed by `newsletter run` and listed by `newsletter runs`.

Each step records its section once (a resumed worker run records it again: the section holds
the step's latest outcome); the in-process run adds its sources and deliveries as they come.
The readers not mailed yet come from the plan, counted once for the day's own edition and by
why (schedule.why_not_due: "hour not reached: at 07:00 Europe/Paris"), so both modes count and
word them the same. The enrichment is best-effort: its failure is a warning, not a failed run.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field

from newsletter.delivery.plan import DeliveryPlan
from newsletter.ingest.source import SourceReport
from newsletter.ingest.source import describe as describe_source
from newsletter.models import Run
from newsletter.summarize.summaries import SummaryReport

IN_PROCESS = "in-process"  # the other kinds are the workers': "pipeline", "ingest", "dispatch"


@dataclass
class RunReport:
    date: dt.date
    kind: str = IN_PROCESS
    steps: list[str] = field(default_factory=list)  # each step's name once, in order
    housekeeping: Counter = field(default_factory=Counter)  # purged, released, unknown
    sources: list[SourceReport] = field(default_factory=list)
    enrichment: SourceReport | None = None  # arXiv's export API, when it was asked
    edition_size: int = 0
    summaries: SummaryReport = field(default_factory=SummaryReport)
    planned: int = 0
    edition_ids: list[int] = field(default_factory=list)
    shares: int = 0
    deliveries: Counter = field(default_factory=Counter)
    waiting: Counter = field(default_factory=Counter)  # readers not mailed yet, by why
    ledger: Counter = field(default_factory=Counter)  # the editions' rows by status, at the end
    started_at: dt.datetime | None = None  # in-process (a worker run's row has its own)

    def step(self, name: str) -> None:
        if name not in self.steps:
            self.steps.append(name)

    def record_housekeeping(self, counts: Counter) -> None:
        self.step("housekeeping")
        self.housekeeping = +Counter(counts)

    def record_sources(self, sources: list[SourceReport]) -> None:
        self.step("ingest")
        self.sources = list(sources)

    def record_enrichment(self, source: SourceReport | None) -> None:
        self.step("enrich")
        self.enrichment = source

    def record_edition(self, size: int) -> None:
        self.step("edition")
        self.edition_size = size

    def record_summaries(self, summaries: SummaryReport) -> None:
        self.step("summarize")
        self.summaries = summaries

    def record_plan(self, plan: DeliveryPlan) -> None:
        self.step("plan")
        self.planned, self.edition_ids, self.shares = plan.planned, plan.edition_ids, len(
            plan.shares)
        self.deliveries = +Counter(not_due=plan.not_due)
        self.waiting = +Counter(plan.waiting)

    def record_deliveries(self, counts: Counter) -> None:
        """The outcomes of every share, added up; the readers not due are the plan's to count
        (a share counts those among its own ids only)."""
        self.step("deliver")
        self.deliveries = +Counter({**counts, "not_due": self.deliveries["not_due"]})

    def record_ledger(self, counts: Counter) -> None:
        self.step("report")
        self.ledger = +Counter(counts)

    @property
    def ingested_ids(self) -> list[str]:
        enriched = [self.enrichment] if self.enrichment is not None else []
        return [paper_id for source in [*self.sources, *enriched] for paper_id in source.paper_ids]

    @property
    def failures(self) -> list[SourceReport]:
        """The sources that failed (an exit status of 1); the enrichment is not one of them."""
        return [source for source in self.sources if source.error]

    @property
    def warnings(self) -> list[str]:
        """What went wrong without failing the run: an enrichment service that did not answer."""
        if self.enrichment is None or not self.enrichment.error:
            return []
        return [f"enrichment {self.enrichment.url} did not answer, papers keep what their "
                f"sources said: {self.enrichment.error}"]

    def outcomes(self) -> dict:
        """What any two runs of the same day on the same data must agree on, whatever the mode:
        everything but the kind, the database's ids and how the work was split."""
        data = self.as_dict()
        for key in ("kind", "edition_ids", "shares"):
            data.pop(key)
        return data

    def as_dict(self) -> dict:
        """The stored report; counters without their zero entries."""
        return {"date": self.date.isoformat(), "kind": self.kind, "steps": list(self.steps),
                "housekeeping": dict(+self.housekeeping),
                "sources": [source.as_dict() for source in self.sources],
                "enrichment": self.enrichment.as_dict() if self.enrichment else None,
                "edition_size": self.edition_size, "summaries": self.summaries.as_dict(),
                "planned": self.planned, "edition_ids": list(self.edition_ids),
                "shares": self.shares, "deliveries": dict(+self.deliveries),
                "waiting": dict(+self.waiting),
                "ledger": dict(+self.ledger)}

    @classmethod
    def from_dict(cls, data: dict) -> RunReport:
        """A stored report, this shape or an older one (missing sections: empty)."""
        return cls(date=dt.date.fromisoformat(data["date"]), kind=data.get("kind", IN_PROCESS),
                   steps=list(data.get("steps", [])),
                   housekeeping=Counter(data.get("housekeeping", {})),
                   sources=[SourceReport.from_dict(s) for s in data.get("sources", [])],
                   enrichment=(SourceReport.from_dict(data["enrichment"])
                               if data.get("enrichment") else None),
                   edition_size=data.get("edition_size", 0),
                   summaries=SummaryReport.from_dict(data.get("summaries", {})),
                   planned=data.get("planned", 0), edition_ids=list(data.get("edition_ids", [])),
                   shares=data.get("shares", 0), deliveries=Counter(data.get("deliveries", {})),
                   waiting=Counter(data.get("waiting", {})),
                   ledger=Counter(data.get("ledger", {})))

    def lines(self) -> list[str]:
        """The short report `newsletter run` prints, in both modes."""
        out = [f"Run for {self.date.isoformat()}"]
        for s in self.sources:
            out.append(f"  source {s.kind} {s.url}: {describe_source(s)}")
        if self.enrichment is not None and not self.enrichment.error:
            out.append(f"  enrichment {self.enrichment.url}: {describe_source(self.enrichment)}")
        out += [f"  warning: {warning}" for warning in self.warnings]
        out.append(f"  summaries: {self.summaries.describe()}")
        d = self.deliveries
        out.append(f"  edition: {self.edition_size} papers; emails: {d['sent']} sent, "
                   f"{d['empty']} with nothing new, {d['already']} already sent, "
                   f"{d['failed']} failed, {d['not_due']} not mailed yet")
        out += self._waiting_lines()
        if d["resumed"]:
            out.append(f"  {d['resumed']} emails taken over from a run that died, sent again")
        if d["held"]:
            out.append(f"  {d['held']} emails held by another run: it sends them, or if it died "
                       "a later run takes them over once its lease has run out")
        if self.housekeeping["purged"]:
            out.append(f"  {self.housekeeping['purged']} sign-ups never confirmed were purged")
        return out

    def _waiting_lines(self, shown: int = 5) -> list[str]:
        """Why readers were not mailed, the commonest reasons first; the rest in one line."""
        reasons = self.waiting.most_common()
        lines = [f"    {count} {reason}" for reason, count in reasons[:shown]]
        if rest := sum(count for _, count in reasons[shown:]):
            lines.append(f"    {rest} for {len(reasons) - shown} other hours and zones")
        unexplained = self.deliveries["not_due"] - sum(self.waiting.values())
        if unexplained > 0:  # a report stored before the reasons were
            lines.append(f"    {unexplained} for reasons this older report did not record")
        return lines


def describe(run: Run) -> str:
    """One line per run for `newsletter runs`: when, how long, what it did."""
    report = run.report or {}
    took = (f"{(run.finished_at - run.started_at).total_seconds():.0f}s"
            if run.finished_at else "-")
    sources = report.get("sources", [])
    failed = sum(1 for source in sources if source.get("failed"))
    new = sum(source.get("new", 0) for source in sources)
    summaries, sent = report.get("summaries", {}), report.get("deliveries", {})
    return (f"#{run.id} {run.started_at:%Y-%m-%d %H:%M:%S} {run.state:<8} {took:>6} "
            f"{report.get('kind', IN_PROCESS):<10} {report.get('date', '-')}  "
            f"sources {len(sources)} ({failed} failed, {new} new papers); "
            f"summaries {summaries.get('made', 0)} made, {summaries.get('cached', 0)} cached; "
            f"emails {sent.get('sent', 0)} sent, {sent.get('failed', 0)} failed, "
            f"{sent.get('already', 0)} already sent"
            + (f", {sent['resumed']} taken over after a crash" if sent.get("resumed") else "")
            + (f", {sent['held']} held by another run" if sent.get("held") else "")
            + ("; enrichment did not answer" if (report.get("enrichment") or {}).get("failed")
               else "")
            + (f"; {report['note']}" if report.get("note") else ""))
