"""The subscriber lifecycle: subscribe, confirm, choose topics, unsubscribe.

Statuses: pending (signed up, not confirmed), confirmed (gets digests), unsubscribed, suppressed
(the provider reported a bounce or complaint; never mailed again). Only a pending subscriber has
a `confirm_secret`, the one their confirmation link signs: leaving "pending" (confirming,
unsubscribing, suppression) clears it, so a confirmation link works once.
"""

from __future__ import annotations

import hashlib

from email_validator import EmailNotValidError, validate_email
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from newsletter.db import insert_ignoring_duplicates
from newsletter.models import Subscriber, Suppression, utcnow
from newsletter.subscribers.tokens import new_secret
from newsletter.summarize.topics import Taxonomy

PENDING, CONFIRMED, UNSUBSCRIBED, SUPPRESSED = "pending", "confirmed", "unsubscribed", "suppressed"


class SubscriptionError(ValueError):
    """Input that cannot become a subscription (bad address, unknown topic); the message says why."""


def normalize_email(address: str) -> str:
    """The address as we store it: validated syntax, normalized domain, lower case."""
    try:
        valid = validate_email(address.strip(), check_deliverability=False)
    except EmailNotValidError as error:
        raise SubscriptionError(f"{address!r} is not a valid email address: {error}") from None
    return valid.normalized.lower()


# Gmail ignores the dots of an address (a.d.a@ is ada@) and answers for googlemail.com too
DOTLESS_DOMAINS = {"gmail.com": "gmail.com", "googlemail.com": "gmail.com"}


def mailbox_of(address: str) -> str:
    """The mailbox a normalized address reaches, for the limits on emails to one inbox: without
    its `+tag` (ada+1@… and ada+2@… are one inbox to flood), and at Gmail without its dots."""
    local, _, domain = address.rpartition("@")
    local = local.split("+", 1)[0] or local
    if domain in DOTLESS_DOMAINS:
        local, domain = local.replace(".", "") or local, DOTLESS_DOMAINS[domain]
    return f"{local}@{domain}"


def resolve_topics(names: list[str], taxonomy: Taxonomy) -> list[str]:
    """The taxonomy's names for `names` (case-insensitive); unknown names are an error."""
    resolved = []
    for name in (n.strip() for n in names):
        if not name:
            continue
        topic = taxonomy.by_name(name) or taxonomy.by_slug(name)
        if topic is None:
            raise SubscriptionError(f"unknown topic {name!r} (see `newsletter topics`)")
        resolved.append(topic.name)
    return list(dict.fromkeys(resolved))


def find_subscriber(session: Session, email: str) -> Subscriber | None:
    return session.scalar(select(Subscriber).where(Subscriber.email == normalize_email(email)))


def subscribe(session: Session, email: str, topics: list[str], taxonomy: Taxonomy, *,
              confirmed: bool = False) -> Subscriber:
    """Add or update a subscriber. A suppressed address is never re-added (SubscriptionError).
    An unsubscribed address becomes pending again (or confirmed, for an operator's import)."""
    address = normalize_email(email)
    chosen = resolve_topics(topics, taxonomy)
    if is_suppressed(session, address):
        raise SubscriptionError(f"{address} is suppressed (bounce, complaint or erasure)")
    subscriber = session.scalar(select(Subscriber).where(Subscriber.email == address))
    if subscriber is None:
        subscriber = Subscriber(email=address, status=PENDING)
        session.add(subscriber)
    subscriber.topics = chosen
    if confirmed:
        confirm(subscriber)
    elif subscriber.status in (PENDING, UNSUBSCRIBED):
        make_pending(subscriber)
    session.flush()
    return subscriber


def make_pending(subscriber: Subscriber) -> None:
    """Wait for the subscriber's confirmation: the confirmation links sent from now until they
    confirm sign the same new secret."""
    subscriber.status = PENDING
    subscriber.confirm_secret = subscriber.confirm_secret or new_secret()


def confirm(subscriber: Subscriber) -> bool:
    """Confirm a pending (or unsubscribed, resubscribing) subscriber; return whether it changed."""
    if subscriber.status in (CONFIRMED, SUPPRESSED):
        return False
    subscriber.status, subscriber.confirmed_at = CONFIRMED, utcnow()
    subscriber.unsubscribed_at = subscriber.confirm_secret = None
    return True


def unsubscribe(subscriber: Subscriber) -> bool:
    """Unsubscribe at once (idempotent); return whether it changed."""
    if subscriber.status in (UNSUBSCRIBED, SUPPRESSED):
        return False
    subscriber.status, subscriber.unsubscribed_at = UNSUBSCRIBED, utcnow()
    subscriber.confirm_secret = None
    return True


def email_hash(address: str) -> str:
    """The suppression key of an address: a hash of its normalized form."""
    return _hash(normalize_email(address))


def _hash(normalized: str) -> str:
    return hashlib.sha256(normalized.encode()).hexdigest()


def is_suppressed(session: Session, address: str) -> bool:
    return session.get(Suppression, email_hash(address)) is not None


def suppress(session: Session, address: str, reason: str) -> None:
    """Never mail `address` again, nor let an import or the form add it back (idempotent).
    The subscriber, if any, is marked suppressed at once."""
    suppress_all(session, {normalize_email(address): reason})


def suppress_all(session: Session, reasons: dict[str, str], chunk: int = 500) -> None:
    """`suppress` for many normalized addresses at once ({address: reason}), a few statements
    per `chunk` of them; an address suppressed already keeps its first reason."""
    addresses = list(reasons)
    for start in range(0, len(addresses), chunk):
        part = addresses[start:start + chunk]
        session.execute(insert_ignoring_duplicates(session, Suppression), [
            {"email_hash": _hash(address), "reason": reasons[address][:64],
             "created_at": utcnow()} for address in part])
        session.execute(update(Subscriber).where(Subscriber.email.in_(part))
                        .values(status=SUPPRESSED, confirm_secret=None))
    session.flush()


def count_soft_bounces(session: Session, counts: dict[str, int]) -> None:
    """Add each count to its normalized address's temporary failures: one statement per
    distinct count."""
    by_count: dict[int, list[str]] = {}
    for address, count in counts.items():
        by_count.setdefault(count, []).append(address)
    for count, addresses in by_count.items():
        for start in range(0, len(addresses), 500):
            session.execute(
                update(Subscriber).where(Subscriber.email.in_(addresses[start:start + 500]))
                .values(soft_bounces=Subscriber.soft_bounces + count))
