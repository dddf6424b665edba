"""Links only their owner can use: an erased, purged or re-created subscriber's links open
nobody's account, ids are never handed out twice, and a confirmation link works once."""

import datetime as dt
import time

import pytest
from sqlalchemy import update

from newsletter.models import Paper, PaperRating, Subscriber
from newsletter.personal import MORE, paper_feedback_url
from newsletter.subscribers import links, signup, subscriptions, tokens
from tests.support.site import BASE, path_of

INVALID = "not valid any more"
PAPER = "2611.00001"


def subscriber_named(services, address):
    with services.factory() as session:
        return subscriptions.find_subscriber(session, address)


def sign_up_and_confirm(site, address):
    """The reader's way in: the form, the emailed link, its button; the welcome email."""
    site.subscribe(address)
    [confirmation] = site.emails(address)
    confirm = site.link_in(confirmation, "confirm")
    assert site.submit(confirm, form_page=confirm).status_code == 200
    welcome = site.emails(address)[-1]
    return confirm, site.link_in(welcome, "preferences"), site.link_in(welcome, "unsubscribe")


def test_an_erased_subscribers_old_links_never_open_the_next_subscribers_account(stored_site):
    site, services = stored_site
    _, preferences, unsubscribe = sign_up_and_confirm(site, "mallory@example.org")
    mallory = subscriber_named(services, "mallory@example.org")
    assert site.submit(f"{preferences}/delete", form_page=preferences).status_code == 200
    sign_up_and_confirm(site, "victor@example.org")
    victor = subscriber_named(services, "victor@example.org")
    assert victor.id != mallory.id  # never the id of the erased subscriber

    for path in (preferences, f"{preferences}/export", unsubscribe):
        page = site.get(path)
        assert page.status_code == 400 and INVALID in page.text
        assert "victor" not in page.text
    assert site.submit(preferences, {"topics": ["NLP"]}, form_page="/").status_code == 400
    assert site.submit(f"{preferences}/delete", form_page="/").status_code == 400
    assert site.client.post(unsubscribe, data={"List-Unsubscribe": "One-Click"}).status_code == 400
    victor_now = subscriber_named(services, "victor@example.org")
    assert (victor_now.status, victor_now.topics) == (subscriptions.CONFIRMED, victor.topics)


def test_the_links_of_a_subscriber_that_took_an_erased_id_are_not_the_old_ones(stored_site):
    """Even with an id handed out again (as SQLite did), a link signs its owner's secret."""
    site, services = stored_site
    _, preferences, _ = sign_up_and_confirm(site, "mallory@example.org")
    mallory_id = subscriber_named(services, "mallory@example.org").id
    with services.factory() as session:  # erased, and the id given to someone else
        session.execute(update(Subscriber).where(Subscriber.id == mallory_id)
                        .values(email="victor@example.org", token_secret=tokens.new_secret()))
        session.commit()
    page = site.get(preferences)
    assert page.status_code == 400 and "victor" not in page.text


def test_ids_are_never_reused_after_the_highest_is_deleted(stored_site):
    _, services = stored_site
    with services.factory() as session:
        first = subscriptions.subscribe(session, "a@example.org", [], services.taxonomy)
        highest = subscriptions.subscribe(session, "b@example.org", [], services.taxonomy)
        session.commit()
        session.delete(highest)
        session.commit()
        after = subscriptions.subscribe(session, "c@example.org", [], services.taxonomy)
        session.commit()
        assert after.id > highest.id > first.id


def test_a_purged_sign_ups_confirmation_link_dies_with_it_even_when_the_address_returns(
        stored_site):
    site, services = stored_site
    site.subscribe("ada@example.org")
    old_link = site.link_in(site.emails("ada@example.org")[0], "confirm")
    with services.factory() as session:
        assert signup.purge_unconfirmed(session, now=dt.datetime.now() + dt.timedelta(days=8))
        session.commit()
    site.subscribe("ada@example.org")  # signed up again: a new subscriber
    assert site.get(old_link).status_code == 400
    assert site.submit(old_link, form_page="/").status_code == 400
    assert subscriber_named(services, "ada@example.org").status == subscriptions.PENDING


def test_a_confirmation_link_works_once(stored_site):
    site, services = stored_site
    confirm, _, unsubscribe = sign_up_and_confirm(site, "ada@example.org")
    again = site.submit(confirm, form_page="/")
    assert again.status_code == 400 and "works only once" in again.text
    site.client.post(unsubscribe, data={"List-Unsubscribe": "One-Click"})
    assert site.get(confirm).status_code == 400
    assert site.submit(confirm, form_page="/").status_code == 400
    assert subscriber_named(services, "ada@example.org").status == subscriptions.UNSUBSCRIBED


def test_a_new_sign_up_after_unsubscribing_gets_a_new_confirmation_link(site, services):
    confirm, _, unsubscribe = sign_up_and_confirm(site, "ada@example.org")
    site.client.post(unsubscribe, data={"List-Unsubscribe": "One-Click"})
    site.subscribe("ada@example.org")
    newest = site.link_in(site.emails("ada@example.org")[-1], "confirm")
    assert newest != confirm and site.submit(confirm, form_page="/").status_code == 400
    assert site.submit(newest, form_page=newest).status_code == 200
    assert subscriber_named(services, "ada@example.org").status == subscriptions.CONFIRMED


def test_a_link_made_before_links_carried_a_secret_still_works_for_its_subscriber(
        site, services, reader):
    """Emails sent before the upgrade keep working: a token of the id alone, signed after the
    subscriber was created, is theirs."""
    old = tokens.make_token(services.settings.secret_key, tokens.UNSUBSCRIBE, reader.id)
    assert site.client.post(f"/unsubscribe/{old}",
                            data={"List-Unsubscribe": "One-Click"}).status_code == 200
    assert subscriber_named(services, reader.email).status == subscriptions.UNSUBSCRIBED


def test_a_link_of_an_id_alone_signed_before_its_subscriber_existed_is_someone_elses(
        site, services, reader, monkeypatch):
    before = reader.created_at.replace(tzinfo=dt.UTC).timestamp() - 60
    monkeypatch.setattr(time, "time", lambda: before)
    old = tokens.make_token(services.settings.secret_key, tokens.PREFERENCES, reader.id)
    old_confirm = tokens.make_token(services.settings.secret_key, tokens.CONFIRM, reader.id)
    monkeypatch.undo()
    page = site.get(f"/preferences/{old}")
    assert page.status_code == 400 and reader.email not in page.text
    assert site.get(f"/confirm/{old_confirm}").status_code == 400


def test_links_in_emails_carry_the_subscribers_secret(site, services, reader):
    url = links.preferences_url(services.settings, reader.id, reader.token_secret)
    found = tokens.read_link_token(services.settings.secret_key, tokens.PREFERENCES,
                                   url.rsplit("/", 1)[1])
    assert (found.subscriber_id, found.secret) == (reader.id, reader.token_secret)
    assert site.get(path_of(url)).status_code == 200 and url.startswith(BASE)


@pytest.mark.parametrize("status", [subscriptions.CONFIRMED, subscriptions.UNSUBSCRIBED,
                                    subscriptions.SUPPRESSED])
def test_only_a_pending_subscriber_has_a_confirmation_secret(session, services, status):
    subscriber = subscriptions.subscribe(session, "ada@example.org", [], services.taxonomy)
    assert subscriber.confirm_secret
    {subscriptions.CONFIRMED: subscriptions.confirm,
     subscriptions.UNSUBSCRIBED: subscriptions.unsubscribe,
     subscriptions.SUPPRESSED: lambda s: subscriptions.suppress(session, s.email, "bounce"),
     }[status](subscriber)
    assert (subscriber.status, subscriber.confirm_secret) == (status, None)


def every_link_of(services, site, address):
    """The subscriber's links as their emails carry them, each route's: the confirmation (used),
    preferences, export, unsubscribe, feedback on a paper."""
    confirm, preferences, unsubscribe = sign_up_and_confirm(site, address)
    subscriber = subscriber_named(services, address)
    feedback = path_of(paper_feedback_url(
        links.feedback_url(services.settings, subscriber.id, subscriber.token_secret),
        PAPER, MORE))
    return subscriber, {"confirm": confirm, "preferences": preferences,
                        "export": f"{preferences}/export", "unsubscribe": unsubscribe,
                        "feedback": feedback}


@pytest.mark.parametrize("gone_by", ["erasure", "purge"])
def test_no_link_of_a_subscriber_gone_opens_the_next_ones_account_on_any_route(
        stored_site, gone_by):
    site, services = stored_site
    with services.factory() as session:
        session.add(Paper(id=PAPER, title="Sparse attention, again", title_key="sparse"))
        session.commit()
    mallory, old = every_link_of(services, site, "mallory@example.org")
    if gone_by == "erasure":
        assert site.submit(f"{old['preferences']}/delete",
                           form_page=old["preferences"]).status_code == 200
    else:  # back to pending (unsubscribed, then signed up again, never confirmed), then purged
        with services.factory() as session:
            session.execute(update(Subscriber).where(Subscriber.id == mallory.id)
                            .values(status=subscriptions.PENDING))
            session.commit()
            assert signup.purge_unconfirmed(session, dt.datetime.now() + dt.timedelta(days=8))
            session.commit()
    site.subscribe("victor@example.org")  # pending: a confirmation secret of his own
    victor = subscriber_named(services, "victor@example.org")
    assert victor.id > mallory.id

    for route, path in old.items():
        page = site.get(path)
        assert page.status_code == 400 and INVALID in page.text, route
        assert "victor" not in page.text, route
    for path in (old["confirm"], old["preferences"], f"{old['preferences']}/delete",
                 f"{old['unsubscribe']}/resubscribe", old["feedback"]):
        assert site.submit(path, {"topics": ["NLP"]}, form_page="/").status_code == 400, path
    one_click = site.client.post(old["unsubscribe"], data={"List-Unsubscribe": "One-Click"})
    assert one_click.status_code == 400 and INVALID in one_click.text
    victor_now = subscriber_named(services, "victor@example.org")
    assert (victor_now.status, victor_now.topics) == (subscriptions.PENDING, victor.topics)
    with services.factory() as session:
        assert session.query(PaperRating).count() == 0
