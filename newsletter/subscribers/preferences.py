"""A subscriber's delivery preferences: the choices offered, their validation, and the list of
changes a save made (the page and the "preferences_updated" email show it).

Topics are validated against the taxonomy (none chosen means all topics); the summary language is
one the summary prompt knows; the time zone is an IANA name. Follows and mutes (interests) are
one per line, each list at most MAX_INTERESTS entries of MAX_INTEREST_LENGTH characters.
"""

from __future__ import annotations

import functools
import zoneinfo
from dataclasses import dataclass, fields

from newsletter.delivery.schedule import DAILY, WEEKLY
from newsletter.models import Subscriber
from newsletter.personal import Interests
from newsletter.subscribers.subscriptions import SubscriptionError, resolve_topics
from newsletter.summarize.prompt import LANGUAGE_NAMES
from newsletter.summarize.topics import Taxonomy

FREQUENCIES = (DAILY, WEEKLY)
MAX_PAPERS_LIMIT = 50
LABELS = {"topics": "Topics", "frequency": "Frequency", "delivery_hour": "Delivery hour",
          "timezone": "Time zone", "max_papers": "Papers per digest",
          "language": "Summary language"}
INTEREST_LABELS = {"authors": "Followed authors", "organizations": "Followed organizations",
                   "keywords": "Followed keywords", "muted_keywords": "Muted keywords"}
# each follow is matched against every candidate paper of every digest: keep the lists human-sized
MAX_INTERESTS, MAX_INTEREST_LENGTH = 50, 100


@dataclass(frozen=True)
class Preferences:
    topics: tuple[str, ...]
    frequency: str = DAILY
    delivery_hour: int = 7
    timezone: str = "UTC"
    max_papers: int | None = None  # None: the operator's default
    language: str = "en"


@functools.cache
def timezones() -> tuple[str, ...]:
    """Every IANA time zone name, sorted (the choices of the preferences page)."""
    return tuple(sorted(zoneinfo.available_timezones()))


def check_frequency(value: str) -> str:
    if value not in FREQUENCIES:
        raise SubscriptionError(f"frequency must be one of {', '.join(FREQUENCIES)}")
    return value


def check_language(value: str) -> str:
    if value not in LANGUAGE_NAMES:
        raise SubscriptionError(f"unknown summary language {value!r}")
    return value


def check_timezone(value: str) -> str:
    if value not in timezones():
        raise SubscriptionError(f"unknown time zone {value!r} (an IANA name such as Europe/Paris)")
    return value


def parse_preferences(topics: list[str], frequency: str, delivery_hour: str, timezone: str,
                      max_papers: str, language: str, taxonomy: Taxonomy) -> Preferences:
    """Preferences from form values (strings); raises SubscriptionError naming the bad one.
    An empty `max_papers` means the operator's default."""
    return Preferences(
        topics=tuple(resolve_topics(topics, taxonomy)),
        frequency=check_frequency(frequency),
        delivery_hour=_integer_in(delivery_hour, range(24), "delivery hour"),
        timezone=check_timezone(timezone),
        max_papers=(_integer_in(max_papers, range(1, MAX_PAPERS_LIMIT + 1), "papers per digest")
                    if max_papers.strip() else None),
        language=check_language(language),
    )


def _integer_in(value: str, allowed: range, name: str) -> int:
    try:
        number = int(value)
    except ValueError:
        number = None
    if number not in allowed:
        raise SubscriptionError(f"{name} must be a whole number from {allowed[0]} to {allowed[-1]}")
    return number


def preferences_of(subscriber: Subscriber) -> Preferences:
    return Preferences(topics=tuple(subscriber.topics or ()), frequency=subscriber.frequency,
                       delivery_hour=subscriber.delivery_hour, timezone=subscriber.timezone,
                       max_papers=subscriber.max_papers, language=subscriber.language)


def apply_preferences(subscriber: Subscriber, chosen: Preferences) -> list[dict[str, str]]:
    """Store `chosen`; return what changed as [{"field", "before", "after"}] in words."""
    before, changes = preferences_of(subscriber), []
    for item in fields(Preferences):
        old, new = getattr(before, item.name), getattr(chosen, item.name)
        if old != new:
            changes.append({"field": LABELS[item.name], "before": describe(item.name, old),
                            "after": describe(item.name, new)})
            setattr(subscriber, item.name, list(new) if item.name == "topics" else new)
    return changes


def describe(name: str, value) -> str:
    """A preference value as a reader would say it."""
    if name == "topics":
        return ", ".join(value) if value else "all topics"
    if name == "max_papers":
        return "the default" if value is None else str(value)
    if name == "delivery_hour":
        return f"{value:02d}:00"
    if name == "language":
        return LANGUAGE_NAMES.get(value, value)
    return str(value)


def parse_interests(lists: dict[str, str]) -> Interests:
    """Interests from the page's text areas (one entry per line), keyed as INTEREST_LABELS;
    raises SubscriptionError when a list is too long."""
    interests = Interests.from_dict({name: text.splitlines() for name, text in lists.items()})
    for name, values in interests.to_dict().items():
        if len(values) > MAX_INTERESTS:
            raise SubscriptionError(f"{INTEREST_LABELS[name]}: at most {MAX_INTERESTS} lines")
        if any(len(value) > MAX_INTEREST_LENGTH for value in values):
            raise SubscriptionError(
                f"{INTEREST_LABELS[name]}: at most {MAX_INTEREST_LENGTH} characters a line")
    return interests


def apply_interests(subscriber: Subscriber, chosen: Interests) -> list[dict[str, str]]:
    """Store `chosen`; return what changed, in the form of `apply_preferences`."""
    before = Interests.from_dict(subscriber.interests).to_dict()
    after = chosen.to_dict()
    subscriber.interests = after
    return [{"field": INTEREST_LABELS[name], "before": ", ".join(before[name]) or "none",
             "after": ", ".join(after[name]) or "none"}
            for name in INTEREST_LABELS if before[name] != after[name]]
