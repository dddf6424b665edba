"""Double opt-in rules: the daily mail limit per address, confirmation, purge of stale sign-ups."""

import datetime as dt

import pytest
from sqlalchemy import select

from newsletter.models import Consent, Subscriber
from newsletter.subscribers import signup, subscriptions

NOW = dt.datetime(2026, 11, 23, 12, 0)


def ask(session, taxonomy, address="ada@example.org", now=NOW, **fields):
    return signup.request_signup(session, signup.SignupRequest(address, [], **fields), taxonomy,
                                 now=now)


def test_a_new_address_becomes_pending_with_a_consent_record(session, services):
    notice = ask(session, services.taxonomy, ip="192.0.2.1", user_agent="UA")
    assert notice.kind == signup.CONFIRMATION
    assert notice.subscriber.status == subscriptions.PENDING
    consent = session.scalar(select(Consent))
    assert (consent.ip, consent.user_agent, consent.form_version) == ("192.0.2.1", "UA",
                                                                      signup.FORM_VERSION)


def test_the_limit_resets_after_a_day(session, services):
    answers = [ask(session, services.taxonomy) for _ in range(signup.SIGNUP_MAILS_PER_DAY + 1)]
    assert answers[-1] is None and all(answers[:-1])
    assert ask(session, services.taxonomy, now=NOW + dt.timedelta(days=1)) is not None


def test_a_bad_language_is_refused(session, services):
    with pytest.raises(subscriptions.SubscriptionError):
        ask(session, services.taxonomy, language="klingon")


def test_confirming_completes_the_latest_consent_once(session, services):
    subscriber = ask(session, services.taxonomy).subscriber
    assert signup.confirm_signup(session, subscriber, "192.0.2.9", now=NOW)
    assert not signup.confirm_signup(session, subscriber, "192.0.2.9", now=NOW)
    consent = session.scalar(select(Consent))
    assert (consent.confirmed_at, consent.confirmed_ip) == (NOW, "192.0.2.9")


def test_stale_unconfirmed_sign_ups_are_purged_and_nothing_else(session, services):
    stale = ask(session, services.taxonomy, "stale@example.org").subscriber
    fresh = ask(session, services.taxonomy, "fresh@example.org").subscriber
    kept = subscriptions.subscribe(session, "kept@example.org", [], services.taxonomy,
                                   confirmed=True)
    for subscriber in (stale, kept):
        subscriber.updated_at = NOW - dt.timedelta(days=8)
    fresh.updated_at = NOW - dt.timedelta(days=6)
    session.flush()
    assert signup.purge_unconfirmed(session, now=NOW) == 1
    remaining = set(session.scalars(select(Subscriber.email)))
    assert remaining == {"fresh@example.org", "kept@example.org"}
    assert session.scalar(select(Consent).where(Consent.subscriber_id == stale.id)) is None
