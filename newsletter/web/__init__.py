"""The web app: subscribe, confirm, preferences, unsubscribe, archive, webhooks."""

from newsletter.web.app import create_app

__all__ = ["create_app"]
