"""The one-off emails of the subscriber lifecycle, composed for one subscriber.

Requests and commands queue them (`newsletter.subscribers.notice_queue`); they are composed
when sent, from the subscriber as they are then, and not at all when they no longer apply (a confirmation for
someone who confirmed meanwhile, anything for a suppressed address).
"""

from __future__ import annotations

import emails
from newsletter.config import Settings
from newsletter.delivery import schedule
from newsletter.mail import OutgoingMessage
from newsletter.models import Subscriber, utcnow
from newsletter.subscribers import links, subscriptions
from newsletter.subscribers.signup import CONFIRMATION, REMINDER
from newsletter.subscribers.tokens import CONFIRM_MAX_AGE_SECONDS

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
            reason: str = "You confirmed your subscription.",
            when: str | None = None) -> OutgoingMessage:
    """The welcome email: when the first digest comes (`when`; default: as of now), the chosen
    topics, the archive, and (in the footer) the preferences."""
    return notice_message(
        settings, subscriber, "welcome",
        reason=reason,
        when=when or schedule.first_digest(subscriber, utcnow()),
        topics=list(subscriber.topics),
        archive_url=links.archive_url(settings),
    )


def reminder(settings: Settings, subscriber: Subscriber) -> OutgoingMessage:
    """The answer to a sign-up for an address that is already confirmed: the welcome email again,
    with its preferences link, so the page never has to say "already subscribed"."""
    return welcome(settings, subscriber, reason=(
        "Someone (hopefully you) asked to subscribe this address, which is already subscribed."),
        when=f"Your digests come {schedule.cadence(subscriber)}.")


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


def base_context(settings: Settings, subscriber: Subscriber, reason: str) -> dict:
    """What every email's layout needs: site, recipient, footer links and postal address."""
    return {
        "site_name": settings.site_name,
        "base_url": settings.base_url,
        "recipient": subscriber.email,
        "postal_address": settings.postal_address,
        "preferences_url": links.preferences_url(settings, subscriber.id, subscriber.token_secret),
        "unsubscribe_url": links.unsubscribe_url(settings, subscriber.id, subscriber.token_secret),
        "reason": reason,
    }


def notice_message(settings: Settings, subscriber: Subscriber, template: str, reason: str,
                   **extra) -> OutgoingMessage:
    """A one-off transactional email (confirmation, welcome, preferences updated, goodbye): no
    list headers, since it is not list mail."""
    context = {**base_context(settings, subscriber, reason), **extra}
    rendered = emails.render(template, context)
    return OutgoingMessage(to=subscriber.email, from_email=settings.from_email,
                           subject=rendered.subject, text=rendered.text, html=rendered.html,
                           reply_to=settings.reply_to)
