"""Preferences: validated choices, and the list of what a save changed."""

import pytest

from newsletter.models import Subscriber
from newsletter.subscribers import preferences
from newsletter.subscribers.subscriptions import SubscriptionError


def parse(taxonomy, **overrides):
    values = {"topics": ["nlp"], "frequency": "daily", "delivery_hour": "7",
              "timezone": "Asia/Tokyo", "max_papers": "", "language": "ja"} | overrides
    return preferences.parse_preferences(taxonomy=taxonomy, **values)


def test_form_values_become_preferences(services):
    chosen = parse(services.taxonomy)
    assert chosen == preferences.Preferences(("NLP",), "daily", 7, "Asia/Tokyo", None, "ja")


@pytest.mark.parametrize("field,value", [("delivery_hour", "24"), ("delivery_hour", "seven"),
                                          ("max_papers", "0"), ("max_papers", "51"),
                                          ("frequency", "hourly"), ("timezone", "Europe/Nowhere"),
                                          ("language", "xx"), ("topics", ["Astrology"])])
def test_bad_values_are_refused(services, field, value):
    with pytest.raises(SubscriptionError):
        parse(services.taxonomy, **{field: value})


def test_applying_lists_only_what_changed_in_words(services):
    subscriber = Subscriber(email="a@example.org", topics=[], frequency="daily", delivery_hour=7,
                            timezone="UTC", max_papers=None, language="en")
    changes = preferences.apply_preferences(subscriber, parse(services.taxonomy))
    assert changes == [
        {"field": "Topics", "before": "all topics", "after": "NLP"},
        {"field": "Time zone", "before": "UTC", "after": "Asia/Tokyo"},
        {"field": "Summary language", "before": "English", "after": "Japanese"},
    ]
    assert subscriber.topics == ["NLP"] and subscriber.timezone == "Asia/Tokyo"
