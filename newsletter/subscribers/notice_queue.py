"""The queue of lifecycle emails: what a request decided is saved with its email queued, in one
transaction, and a sender outside the request composes and sends it.

A table, for three reasons: the answer to a request must not depend on what follows (a sign-up
is answered after the same work whether the address is new, confirmed or suppressed, so nobody
learns which from the time it takes); a slow mail server must not slow a page; and a queued
email outlives a crash. The web process drains the queue on a thread of its own
(`newsletter.web.notice_sender`); with NEWSLETTER_REDIS_URL, the workers' `send_notices` task
does, enqueued after each request and every minute by beat. Commands drain it before they exit.

A sign-up is queued as the form's answer (kind SIGNUP, no subscriber yet); the sender records
it (`signup.request_signup`) and turns the row into the confirmation or reminder it calls for,
or drops it (a suppressed address, a limit reached). A sign-up over its mailbox's limit is
queued all the same (kind OVER_LIMIT), so that its request does the same work as any other,
and dropped unread. A row is claimed before it is handled, so
two senders never send one email; the claim of a sender that died lapses after LEASE. A failed
send is tried again later, up to MAX_ATTEMPTS times.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import Counter
from collections.abc import Callable

from sqlalchemy import delete, insert, or_, select, update
from sqlalchemy.orm import Session, sessionmaker

from newsletter.config import Settings
from newsletter.db import session_scope
from newsletter.mail import Mailer, MailError
from newsletter.models import QueuedNotice, Subscriber, utcnow
from newsletter.subscribers import notices
from newsletter.subscribers.signup import SignupRequest, request_signup
from newsletter.subscribers.subscriptions import SubscriptionError
from newsletter.summarize.topics import Taxonomy

log = logging.getLogger(__name__)

SIGNUP, OVER_LIMIT = "signup", "signup-over-limit"
LEASE = dt.timedelta(minutes=5)
RETRY_DELAY = dt.timedelta(minutes=1)  # times the attempts made
MAX_ATTEMPTS = 5
SENT, DROPPED, RETRY, FAILED = "sent", "dropped", "retry", "failed"


def signup_row(request: SignupRequest, over_limit: bool = False) -> dict:
    """The queued row (its columns' values, for a Core INSERT of SIGNUP_INSERT) of a sign-up
    request (checked: `SignupRequest.checked`) to be recorded and answered; `over_limit`: to be
    dropped (too many for its mailbox), though queued like the others."""
    return {"kind": OVER_LIMIT if over_limit else SIGNUP, "payload": request.to_payload()}


# Core, not the ORM: a sign-up's answer waits on this insert alone (the columns' defaults,
# queued_at and attempts, are filled in by SQLAlchemy all the same)
SIGNUP_INSERT = insert(QueuedNotice)


def queue_notice(session: Session, kind: str, subscriber_id: int, **payload) -> None:
    """Queue the email `kind` (see `newsletter.subscribers.notices`) for the subscriber."""
    session.add(QueuedNotice(kind=kind, subscriber_id=subscriber_id, payload=payload))


def drain(factory: sessionmaker[Session], settings: Settings, mailer: Mailer,
          taxonomy: Taxonomy, *, pause: Callable[[], None] = lambda: None) -> Counter:
    """Handle every queued row that no other sender holds, oldest first, until none is left;
    count the outcomes: SENT, DROPPED (nothing to send), RETRY (to be tried again), FAILED.
    `pause` is called before each row (the web process's sender gives way to requests there)."""
    outcomes: Counter = Counter()
    while True:
        pause()
        row_id = _claim_next(factory)
        if row_id is None:
            return outcomes
        try:
            outcomes[_handle(factory, settings, mailer, taxonomy, row_id)] += 1
        except Exception as error:  # noqa: BLE001 (one bad row must not stop the others)
            outcomes[_failed(factory, row_id, error)] += 1


def _claim_next(factory: sessionmaker[Session]) -> int | None:
    """Claim the oldest free row for LEASE; its id, or None when every row is held."""
    with session_scope(factory) as session:
        now = utcnow()
        free = or_(QueuedNotice.claimed_until.is_(None), QueuedNotice.claimed_until < now)
        for row_id in session.scalars(select(QueuedNotice.id).where(free)
                                      .order_by(QueuedNotice.id).limit(10)).all():
            claimed = session.execute(
                update(QueuedNotice).where(QueuedNotice.id == row_id, free)
                .values(claimed_until=now + LEASE, attempts=QueuedNotice.attempts + 1)
                .execution_options(synchronize_session=False)).rowcount
            if claimed:
                return row_id
    return None


def _handle(factory: sessionmaker[Session], settings: Settings, mailer: Mailer,
            taxonomy: Taxonomy, row_id: int) -> str:
    """Record a sign-up the row holds, then compose and send its email outside any transaction
    (a slow mail server must hold no lock); the row goes once sent."""
    with session_scope(factory) as session:
        row = session.get(QueuedNotice, row_id)
        if row is None or (row.kind in (SIGNUP, OVER_LIMIT)
                           and not _record_signup(session, row, taxonomy)):
            return DROPPED  # erased meanwhile (the row went with the subscriber), or no email
        kind, payload = row.kind, dict(row.payload)
        subscriber = session.get(Subscriber, row.subscriber_id)
    message = notices.compose(settings, kind, subscriber, payload)
    if message is not None:
        mailer.send(message)
    _delete(factory, row_id)
    return SENT if message is not None else DROPPED


def _record_signup(session: Session, row: QueuedNotice, taxonomy: Taxonomy) -> bool:
    """Record the sign-up and make the row the email it calls for; False (row deleted) when
    it calls for none (an OVER_LIMIT row is not even recorded)."""
    try:
        notice = None if row.kind == OVER_LIMIT else request_signup(
            session, SignupRequest.from_payload(row.payload), taxonomy, now=row.queued_at)
    except SubscriptionError:  # the taxonomy changed since the form was checked
        notice = None
    if notice is None:
        session.delete(row)
        return False
    # the form's answer (an address, an IP) is in the consent record now, not kept here
    row.kind, row.subscriber_id, row.payload = notice.kind, notice.subscriber.id, {}
    return True


def _failed(factory: sessionmaker[Session], row_id: int, error: Exception) -> str:
    """Try the row again later, or give it up: after MAX_ATTEMPTS, or for an address that the
    mail server refused."""
    with session_scope(factory) as session:
        row = session.get(QueuedNotice, row_id)
        if row is None:
            return DROPPED
        if getattr(error, "permanent", False) or row.attempts >= MAX_ATTEMPTS:
            log.error("a %s email was given up after %d attempts: %s", row.kind, row.attempts,
                      error, exc_info=not isinstance(error, MailError))
            session.delete(row)
            return FAILED
        log.warning("a %s email will be tried again: %s", row.kind, error,
                    exc_info=not isinstance(error, MailError))
        row.claimed_until = utcnow() + RETRY_DELAY * row.attempts
        return RETRY


def _delete(factory: sessionmaker[Session], row_id: int) -> None:
    with session_scope(factory) as session:
        session.execute(delete(QueuedNotice).where(QueuedNotice.id == row_id))
