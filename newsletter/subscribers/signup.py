"""Double opt-in: a sign-up request becomes a pending subscriber, a consent record and one email.

The web app answers every request with the same page after the same work (it checks the form
and queues the request: `newsletter.subscribers.notice_queue`), so nobody learns from it whether an address
is subscribed; the request is recorded here outside the request, and only the email differs (a
confirmation link, or a reminder to a confirmed address). Sign-up emails are limited per address
per day, durably (in the database), so that nobody can flood an inbox by submitting the form for
it. Unconfirmed sign-ups expire and are purged.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from newsletter.delivery.schedule import DAILY
from newsletter.models import Consent, Subscriber, utcnow
from newsletter.subscribers import subscriptions
from newsletter.subscribers.preferences import check_frequency, check_language
from newsletter.subscribers.tokens import CONFIRM_MAX_AGE_SECONDS
from newsletter.summarize.topics import Taxonomy

FORM_VERSION = "subscribe-form-v1"  # bump when the form's wording of the consent changes
RESUBSCRIBE_LINK = "resubscribe-link"  # the consent given by following one of our links
USER_AGENT_CHARS = 512  # what a consent record keeps of the browser's User-Agent
SIGNUP_MAILS_PER_DAY = 3
MAIL_WINDOW = dt.timedelta(days=1)
# as long as the confirmation link lives: a pending row with a live link is never purged
UNCONFIRMED_TTL = dt.timedelta(seconds=CONFIRM_MAX_AGE_SECONDS)
CONFIRMATION, REMINDER = "confirmation", "reminder"


@dataclass(frozen=True)
class SignupRequest:
    email: str
    topics: list[str]
    frequency: str = DAILY
    language: str = "en"
    ip: str | None = None
    user_agent: str | None = None
    form_version: str = FORM_VERSION

    def checked(self, taxonomy: Taxonomy) -> SignupRequest:
        """The request with its address and choices normalized; raises SubscriptionError for a
        bad address or choice. Pure: the same work whatever the address's state."""
        return dataclasses.replace(
            self, email=subscriptions.normalize_email(self.email),
            topics=subscriptions.resolve_topics(self.topics, taxonomy),
            frequency=check_frequency(self.frequency), language=check_language(self.language),
            user_agent=_kept_user_agent(self.user_agent))

    def to_payload(self) -> dict:
        # not dataclasses.asdict, which deep-copies field by field: the one list is copied here
        return {**vars(self), "topics": list(self.topics)}

    @classmethod
    def from_payload(cls, payload: dict) -> SignupRequest:
        return cls(**payload)


@dataclass(frozen=True)
class Notice:
    """The email a sign-up request calls for: CONFIRMATION or REMINDER, to `subscriber`."""

    kind: str
    subscriber: Subscriber


def request_signup(session: Session, request: SignupRequest, taxonomy: Taxonomy,
                   now: dt.datetime | None = None) -> Notice | None:
    """Record a sign-up request and return the email to send: a confirmation for a new, pending
    or unsubscribed address (whose choices are stored, pending); a reminder for a confirmed one
    (nothing of theirs changes). None when nothing may be sent: a suppressed address, or the
    address's daily limit reached. Raises SubscriptionError for a bad address or choice."""
    now = now or utcnow()
    request = request.checked(taxonomy)
    if subscriptions.is_suppressed(session, request.email):
        return None
    subscriber = _get_or_add(session, request.email)
    if subscriber.status == subscriptions.SUPPRESSED or not take_signup_mail(subscriber, now):
        return None
    if subscriber.status == subscriptions.CONFIRMED:
        return Notice(REMINDER, subscriber)
    subscriptions.make_pending(subscriber)
    subscriber.topics = request.topics
    subscriber.frequency, subscriber.language = request.frequency, request.language
    session.flush()
    session.add(_consent(subscriber, now, request.ip, request.user_agent, request.form_version))
    session.flush()
    return Notice(CONFIRMATION, subscriber)


def _get_or_add(session: Session, address: str) -> Subscriber:
    subscriber = session.scalar(select(Subscriber).where(Subscriber.email == address))
    if subscriber is None:
        subscriber = Subscriber(email=address, status=subscriptions.PENDING, topics=[])
        session.add(subscriber)
    return subscriber


def take_signup_mail(subscriber: Subscriber, now: dt.datetime) -> bool:
    """Count one sign-up email against the address's limit; False when the limit is reached."""
    start = subscriber.signup_mail_window_start
    if start is None or now - start >= MAIL_WINDOW:
        subscriber.signup_mail_window_start, subscriber.signup_mails_in_window = now, 0
    if (subscriber.signup_mails_in_window or 0) >= SIGNUP_MAILS_PER_DAY:
        return False
    subscriber.signup_mails_in_window = (subscriber.signup_mails_in_window or 0) + 1
    return True


def confirm_signup(session: Session, subscriber: Subscriber, ip: str | None,
                   now: dt.datetime | None = None) -> bool:
    """Confirm the subscriber and complete their latest open consent record; return whether the
    subscription changed (confirming twice is harmless)."""
    if not subscriptions.confirm(subscriber):
        return False
    consent = session.scalar(
        select(Consent).where(Consent.subscriber_id == subscriber.id,
                              Consent.confirmed_at.is_(None))
        .order_by(Consent.requested_at.desc(), Consent.id.desc()).limit(1))
    if consent is not None:
        consent.confirmed_at, consent.confirmed_ip = now or utcnow(), ip
    session.flush()
    return True


def resubscribe(session: Session, subscriber: Subscriber, ip: str | None,
                user_agent: str | None, now: dt.datetime | None = None) -> bool:
    """Resubscribe from a link in one of our emails (it proves the address): confirmed at once,
    with a consent record of its own. False for a suppressed subscriber or a confirmed one."""
    if subscriber.status in (subscriptions.CONFIRMED, subscriptions.SUPPRESSED):
        return False
    session.add(_consent(subscriber, now or utcnow(), ip, user_agent, RESUBSCRIBE_LINK,
                         confirmed=True))
    return subscriptions.confirm(subscriber)


def _consent(subscriber: Subscriber, requested_at: dt.datetime, ip: str | None,
             user_agent: str | None, form_version: str, confirmed: bool = False) -> Consent:
    """The record of a consent given at `requested_at` from `ip`, on the form (or link) of
    `form_version`; `confirmed`: confirmed at once, from the same address."""
    return Consent(subscriber_id=subscriber.id, requested_at=requested_at, ip=ip,
                   user_agent=_kept_user_agent(user_agent), form_version=form_version,
                   confirmed_at=requested_at if confirmed else None,
                   confirmed_ip=ip if confirmed else None)


def _kept_user_agent(user_agent: str | None) -> str | None:
    return (user_agent or "")[:USER_AGENT_CHARS] or None


def purge_unconfirmed(session: Session, now: dt.datetime | None = None) -> int:
    """Delete sign-ups left unconfirmed for UNCONFIRMED_TTL (their consent records with them);
    return how many. Every confirmation email touches the row, so no live link is orphaned."""
    cutoff = (now or utcnow()) - UNCONFIRMED_TTL
    result = session.execute(
        delete(Subscriber).where(Subscriber.status == subscriptions.PENDING,
                                 Subscriber.updated_at < cutoff))
    return result.rowcount or 0
