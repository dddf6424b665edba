"""Bulk import of subscribers from CSV (`newsletter import-subscribers`).

Columns: `email`, `topics` (names separated by ";"), optional `language` and `timezone`. Every
row is checked on its own: an invalid one is reported by its line number and skipped, the valid
ones are kept. A suppressed address is never re-added, and an address that unsubscribed is not
subscribed again by an operator (only its owner can do that).
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import IO

from sqlalchemy.orm import Session

from newsletter.models import Subscriber
from newsletter.subscribers import subscriptions
from newsletter.subscribers.preferences import check_language, check_timezone
from newsletter.summarize.topics import Taxonomy

REQUIRED_COLUMNS = {"email"}


@dataclass
class ImportReport:
    imported: list[Subscriber] = field(default_factory=list)
    skipped: list[tuple[int, str]] = field(default_factory=list)  # (line, why)

    def lines(self) -> list[str]:
        out = [f"line {line}: skipped: {why}" for line, why in self.skipped]
        out.append(f"{len(self.imported)} imported, {len(self.skipped)} skipped")
        return out


def read_rows(file: IO[str]) -> Iterator[tuple[int, dict[str, str]]]:
    """(line number, row) for each data row; raises ValueError when a required column is missing."""
    reader = csv.DictReader(file)
    missing = REQUIRED_COLUMNS - set(reader.fieldnames or [])
    if missing:
        raise ValueError(f"the CSV has no {', '.join(sorted(missing))} column")
    for row in reader:
        yield reader.line_num, {key: (value or "").strip() for key, value in row.items() if key}


def import_rows(session: Session, rows: Iterator[tuple[int, dict[str, str]]], taxonomy: Taxonomy,
                *, confirmed: bool) -> ImportReport:
    """Add or update a subscriber per valid row (pending unless `confirmed`)."""
    report = ImportReport()
    for line, row in rows:
        try:
            report.imported.append(_import_row(session, row, taxonomy, confirmed))
        except subscriptions.SubscriptionError as error:
            report.skipped.append((line, str(error)))
    return report


def _import_row(session: Session, row: dict[str, str], taxonomy: Taxonomy,
                confirmed: bool) -> Subscriber:
    language = check_language(row["language"]) if row.get("language") else None
    timezone = check_timezone(row["timezone"]) if row.get("timezone") else None
    existing = subscriptions.find_subscriber(session, row["email"])
    if existing is not None and existing.status == subscriptions.UNSUBSCRIBED:
        raise subscriptions.SubscriptionError(f"{existing.email} unsubscribed")
    subscriber = subscriptions.subscribe(session, row["email"], row.get("topics", "").split(";"),
                                         taxonomy, confirmed=confirmed)
    subscriber.language = language or subscriber.language
    subscriber.timezone = timezone or subscriber.timezone
    return subscriber
