"""The absolute URLs that emails carry, built from NEWSLETTER_BASE_URL."""

from __future__ import annotations

import datetime as dt

from newsletter import tokens
from newsletter.config import Settings


def confirm_url(settings: Settings, subscriber_id: int) -> str:
    token = tokens.make_token(settings.secret_key, tokens.CONFIRM, subscriber_id)
    return f"{settings.base_url}/confirm/{token}"


def preferences_url(settings: Settings, subscriber_id: int) -> str:
    token = tokens.make_token(settings.secret_key, tokens.PREFERENCES, subscriber_id)
    return f"{settings.base_url}/preferences/{token}"


def unsubscribe_url(settings: Settings, subscriber_id: int) -> str:
    """The List-Unsubscribe URL: a GET shows a button, a one-click POST unsubscribes."""
    token = tokens.make_token(settings.secret_key, tokens.UNSUBSCRIBE, subscriber_id)
    return f"{settings.base_url}/unsubscribe/{token}"


def edition_url(settings: Settings, date: dt.date) -> str:
    return f"{settings.base_url}/editions/{date.isoformat()}"


def archive_url(settings: Settings) -> str:
    return f"{settings.base_url}/editions"


def subscribe_url(settings: Settings) -> str:
    return f"{settings.base_url}/"
