"""Subscribers: sign-up, subscriptions, preferences, privacy, import, signed links and the
lifecycle emails."""
