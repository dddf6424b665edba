"""The one-off emails of the subscriber lifecycle, composed for one subscriber.

Requests and commands queue them (`newsletter.notice_queue`); they are composed when sent, from
the subscriber as they are then, and not at all when they no longer apply (a confirmation for
someone who confirmed meanwhile, anything for a suppressed address).
"""

from __future__ import annotations

from newsletter import links, subscriptions
from newsletter.compose import notice_message
from newsletter.config import Settings
from newsletter.mail import OutgoingMessage
from newsletter.models import Subscriber
from newsletter.signup import CONFIRMATION, REMINDER
from newsletter.tokens import CONFIRM_MAX_AGE_SECONDS

WELCOME, PREFERENCES_UPDATED, GOODBYE = "welcome", "preferences_updated", "goodbye"


def confirmation(settings: Settings, subscriber: Subscriber) -> OutgoingMessage:
    """The double opt-in email: one link that confirms (through a button on the page it opens)."""
    return notice_message(
        settings, subscriber, "confirmation",
        reason="Someone (hopefully you) asked to subscribe this address.",
        confirm_url=links.confirm_url(settings, subscriber),
        topics=list(subscriber.topics),
        expires_days=CONFIRM_MAX_AGE_SECONDS // 86400,
    )


def welcome(settings: Settings, subscriber: Subscriber,
            reason: str = "You confirmed your subscription.") -> OutgoingMessage:
    """The welcome email: the chosen topics, the archive, and (in the footer) the preferences."""
    return notice_message(
        settings, subscriber, "welcome",
        reason=reason,
        topics=list(subscriber.topics),
        archive_url=links.archive_url(settings),
    )


def reminder(settings: Settings, subscriber: Subscriber) -> OutgoingMessage:
    """The answer to a sign-up for an address that is already confirmed: the welcome email again,
    with its preferences link, so the page never has to say "already subscribed"."""
    return welcome(settings, subscriber, reason=(
        "Someone (hopefully you) asked to subscribe this address, which is already subscribed."))


def preferences_updated(settings: Settings, subscriber: Subscriber,
                        changes: list[dict[str, str]]) -> OutgoingMessage:
    """What a save of the preferences changed, each as {"field", "before", "after"}."""
    return notice_message(
        settings, subscriber, "preferences_updated",
        reason="Your preferences were changed through the link in our emails.",
        changes=changes,
    )


def goodbye(settings: Settings, subscriber: Subscriber) -> OutgoingMessage:
    return notice_message(
        settings, subscriber, "goodbye",
        reason="You unsubscribed.",
        resubscribe_url=links.subscribe_url(settings),
    )


PENDING, CONFIRMED = subscriptions.PENDING, subscriptions.CONFIRMED
UNSUBSCRIBED = subscriptions.UNSUBSCRIBED
# each kind: its composer, and the statuses in which it still applies (never "suppressed")
KINDS = {
    CONFIRMATION: (confirmation, {PENDING}),
    REMINDER: (reminder, {CONFIRMED}),
    WELCOME: (welcome, {CONFIRMED}),
    PREFERENCES_UPDATED: (preferences_updated, {PENDING, CONFIRMED, UNSUBSCRIBED}),
    GOODBYE: (goodbye, {UNSUBSCRIBED}),
}


def compose(settings: Settings, kind: str, subscriber: Subscriber,
            payload: dict) -> OutgoingMessage | None:
    """The email `kind` for the subscriber (`payload`: its other arguments), or None when it no
    longer applies to them."""
    composer, statuses = KINDS[kind]
    if subscriber.status not in statuses:
        return None
    return composer(settings, subscriber, **payload)
