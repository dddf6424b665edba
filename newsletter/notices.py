"""The one-off emails of the subscriber lifecycle, composed and sent."""

from __future__ import annotations

from newsletter import links
from newsletter.compose import notice_message
from newsletter.config import Settings
from newsletter.mail import Mailer
from newsletter.models import Subscriber
from newsletter.tokens import CONFIRM_MAX_AGE_SECONDS


def send_confirmation(settings: Settings, mailer: Mailer, subscriber: Subscriber) -> str:
    """The double opt-in email: one link that confirms (through a button on the page it opens)."""
    message = notice_message(
        settings, subscriber, "confirmation",
        reason="Someone (hopefully you) asked to subscribe this address.",
        confirm_url=links.confirm_url(settings, subscriber.id),
        topics=list(subscriber.topics),
        expires_days=CONFIRM_MAX_AGE_SECONDS // 86400,
    )
    return mailer.send(message)


def send_welcome(settings: Settings, mailer: Mailer, subscriber: Subscriber,
                 reason: str = "You confirmed your subscription.") -> str:
    """The welcome email: the chosen topics, the archive, and (in the footer) the preferences."""
    message = notice_message(
        settings, subscriber, "welcome",
        reason=reason,
        topics=list(subscriber.topics),
        archive_url=links.archive_url(settings),
    )
    return mailer.send(message)


def send_reminder(settings: Settings, mailer: Mailer, subscriber: Subscriber) -> str:
    """The answer to a sign-up for an address that is already confirmed: the welcome email again,
    with its preferences link, so the page never has to say "already subscribed"."""
    return send_welcome(settings, mailer, subscriber, reason=(
        "Someone (hopefully you) asked to subscribe this address, which is already subscribed."))


def send_preferences_updated(settings: Settings, mailer: Mailer, subscriber: Subscriber,
                             changes: list[dict[str, str]]) -> str:
    """What a save of the preferences changed, each as {"field", "before", "after"}."""
    message = notice_message(
        settings, subscriber, "preferences_updated",
        reason="Your preferences were changed through the link in our emails.",
        changes=changes,
    )
    return mailer.send(message)


def send_goodbye(settings: Settings, mailer: Mailer, subscriber: Subscriber) -> str:
    message = notice_message(
        settings, subscriber, "goodbye",
        reason="You unsubscribed.",
        resubscribe_url=links.subscribe_url(settings),
    )
    return mailer.send(message)
