"""Deliverability: emails sent, permanent bounces and spam complaints per day, and their rates
next to the limits mailbox providers and sending services enforce.

The rates divide by the digests we sent (the provider's "delivered" would be a little smaller,
so ours are slightly low). Bounces and complaints are the provider's webhook events
(`provider_events`, SendGrid): with the SMTP or outbox transport none come, and the rates are 0.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy.orm import Session

from newsletter.models import Delivery, ProviderEvent
from newsletter.stats.days import Window, per_day

BOUNCE, COMPLAINT = "bounce", "spamreport"  # SendGrid's event names (a "blocked" is temporary)
RECENT_DAYS = 7  # the rates judged against the limits: the last week's, as providers judge


@dataclass(frozen=True)
class Threshold:
    """A rate a provider acts on (`limit`), the rate at which we warn (`warn_at`), and where
    the numbers come from."""

    name: str
    limit: float
    warn_at: float
    source: str

    def judge(self, rate: float | None) -> str:
        """"ok", "near" (at or past `warn_at`) or "over" (at or past `limit`)."""
        if rate is None or rate < self.warn_at:
            return "ok"
        return "over" if rate >= self.limit else "near"


COMPLAINTS = Threshold(
    "spam complaints", limit=0.003, warn_at=0.001,
    source="Gmail's and Yahoo's requirements for bulk senders (February 2024): a spam "
           "complaint rate under 0.3%; Gmail's guidelines ask for under 0.1% "
           "(support.google.com/a/answer/81126, senders.yahooinc.com/best-practices)")
BOUNCES = Threshold(
    "bounces", limit=0.05, warn_at=0.025,
    source="Gmail and Yahoo publish no bounce limit; Amazon SES puts an account under review "
           "at a 5% bounce rate (docs.aws.amazon.com/ses, \"Sending review process\"); we warn "
           "at half of it")


@dataclass(frozen=True)
class Rate:
    """One rate over the recent days, judged against its threshold."""

    threshold: Threshold
    events: int
    sent: int

    @property
    def value(self) -> float | None:
        return self.events / self.sent if self.sent else None

    @property
    def verdict(self) -> str:
        return self.threshold.judge(self.value)

    def describe(self) -> str:
        value = "no emails sent" if self.value is None else f"{self.value:.2%}"
        return (f"{self.threshold.name}: {value} ({self.events} of {self.sent} sent, last "
                f"{RECENT_DAYS} days); limit {self.threshold.limit:.1%}, warning at "
                f"{self.threshold.warn_at:.1%}" + _verdict_words[self.verdict])


_verdict_words = {"ok": "", "near": " - WARNING: nearing the limit",
                  "over": " - WARNING: past the limit"}


@dataclass
class Deliverability:
    """Per day of the window: emails sent, bounces, complaints; and the recent rates."""

    window: Window
    sent: dict[dt.date, int]
    bounces: dict[dt.date, int]
    complaints: dict[dt.date, int]

    def rate(self, threshold: Threshold) -> Rate:
        """The rate of the last RECENT_DAYS days of the window."""
        counts = self.bounces if threshold is BOUNCES else self.complaints
        recent = self.window.dates()[-RECENT_DAYS:]
        return Rate(threshold, sum(counts.get(day, 0) for day in recent),
                    sum(self.sent.get(day, 0) for day in recent))

    def rates(self) -> list[Rate]:
        return [self.rate(COMPLAINTS), self.rate(BOUNCES)]

    def warnings(self) -> list[str]:
        return [rate.describe() for rate in self.rates() if rate.verdict != "ok"]


def deliverability(session: Session, window: Window) -> Deliverability:
    # the ledger sets `sent_at` only when it marks a digest sent (and a sent row stays sent), so
    # its index alone answers, without reading a million rows for their status
    return Deliverability(
        window, per_day(session, Delivery.sent_at, window),
        bounces=per_day(session, ProviderEvent.received_at, window, ProviderEvent.event == BOUNCE),
        complaints=per_day(session, ProviderEvent.received_at, window,
                           ProviderEvent.event == COMPLAINT))
