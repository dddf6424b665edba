"""The absolute URLs that emails carry, built from NEWSLETTER_BASE_URL, and the subscriber a
link's token was made for.

A subscriber's links sign their id and their `token_secret` (a confirmation link: their
`confirm_secret`), so a link opens only the account it was made for: not one that got the same
id after an erasure, nor the same address signed up again. Links made before tokens carried a
secret (an id alone) are still honoured, except confirmation links, when they were signed after
the subscriber was created: signed earlier, they were someone else's.
"""

from __future__ import annotations

import datetime as dt
import hmac

from sqlalchemy.orm import Session

from newsletter.config import Settings
from newsletter.models import Subscriber
from newsletter.personal.feedback import FEEDBACK
from newsletter.subscribers import tokens

NOT_VALID_ANY_MORE = "this link is not valid any more"
USED = "this link is not valid any more: a confirmation link works only once"


def confirm_url(settings: Settings, subscriber: Subscriber) -> str:
    """The confirmation link of a pending subscriber (it works once)."""
    return _signed_url(settings, "confirm", tokens.CONFIRM, subscriber.id,
                       subscriber.confirm_secret)


def preferences_url(settings: Settings, subscriber_id: int, secret: str) -> str:
    return _signed_url(settings, "preferences", tokens.PREFERENCES, subscriber_id, secret)


def unsubscribe_url(settings: Settings, subscriber_id: int, secret: str) -> str:
    """The List-Unsubscribe URL: a GET shows a button, a one-click POST unsubscribes."""
    return _signed_url(settings, "unsubscribe", tokens.UNSUBSCRIBE, subscriber_id, secret)


def feedback_url(settings: Settings, subscriber_id: int, secret: str) -> str:
    """Where a reader's feedback links start; a paper's link appends its id and the vote
    (`newsletter.personal.feedback`)."""
    return _signed_url(settings, "feedback", FEEDBACK, subscriber_id, secret)


def _signed_url(settings: Settings, route: str, purpose: str, subscriber_id: int,
                secret: str) -> str:
    """{base URL}/{route}/{a link token of `purpose` for this subscriber and their secret}."""
    token = tokens.make_link_token(settings.secret_key, purpose, subscriber_id, secret)
    return f"{settings.base_url}/{route}/{token}"


def reader_urls(settings: Settings, subscriber_id: int, secret: str) -> tuple[str, str, str]:
    """A digest reader's unsubscribe, preferences and feedback URLs, signed in one pass."""
    unsubscribe, preferences, feedback = tokens.make_link_tokens(
        settings.secret_key, (tokens.UNSUBSCRIBE, tokens.PREFERENCES, FEEDBACK), subscriber_id,
        secret)
    base = settings.base_url
    return (f"{base}/unsubscribe/{unsubscribe}", f"{base}/preferences/{preferences}",
            f"{base}/feedback/{feedback}")


def edition_url(settings: Settings, date: dt.date) -> str:
    return f"{settings.base_url}/editions/{date.isoformat()}"


def archive_url(settings: Settings) -> str:
    return f"{settings.base_url}/editions"


def subscribe_url(settings: Settings) -> str:
    return f"{settings.base_url}/"


def subscriber_of(session: Session, settings: Settings, purpose: str, token: str,
                  max_age: int | None = None) -> Subscriber:
    """The subscriber a link token of `purpose` was made for; raises tokens.InvalidToken when it
    was tampered with, has expired, or was made for a subscriber who is gone (or, for a
    confirmation, was used)."""
    found = tokens.read_link_token(settings.secret_key, purpose, token, max_age)
    subscriber = session.get(Subscriber, found.subscriber_id)
    if subscriber is None or not _made_for(subscriber, found, purpose):
        raise tokens.InvalidToken(USED if purpose == tokens.CONFIRM else NOT_VALID_ANY_MORE)
    return subscriber


def _made_for(subscriber: Subscriber, found: tokens.LinkToken, purpose: str) -> bool:
    if found.secret is None:
        return purpose != tokens.CONFIRM and found.signed_at >= _epoch(subscriber.created_at)
    expected = subscriber.confirm_secret if purpose == tokens.CONFIRM else subscriber.token_secret
    return expected is not None and hmac.compare_digest(found.secret.encode(),
                                                        expected.encode())


def _epoch(naive_utc: dt.datetime) -> int:
    return int(naive_utc.replace(tzinfo=dt.UTC).timestamp())
