"""Unsubscribe: a GET shows a button and changes nothing; a one-click POST unsubscribes."""

from fastapi.testclient import TestClient

from newsletter.subscribers import links, subscriptions
from tests.support.site import path_of, stored


def unsubscribe_path(services, subscriber) -> str:
    return path_of(links.unsubscribe_url(services.settings, subscriber.id, subscriber.token_secret))


def test_a_get_shows_a_button_and_changes_nothing(site, services, reader):
    response = site.get(unsubscribe_path(services, reader))
    assert response.status_code == 200
    assert "<form method=\"post\">" in response.text
    assert stored(services, reader).status == subscriptions.CONFIRMED


def test_one_click_post_unsubscribes_without_cookie_or_csrf_token(app, services, reader):
    fresh_client = TestClient(app, base_url="https://testserver")  # a mailbox provider's POST
    url = unsubscribe_path(services, reader)
    response = fresh_client.post(url, data={"List-Unsubscribe": "One-Click"},
                                 follow_redirects=False)
    assert response.status_code == 200
    assert stored(services, reader).status == subscriptions.UNSUBSCRIBED


def test_one_click_post_is_idempotent_and_says_goodbye_once(site, services, reader):
    url = unsubscribe_path(services, reader)
    for _ in range(2):
        assert site.client.post(url, data={"List-Unsubscribe": "One-Click"}).status_code == 200
    assert [m["Subject"] for m in site.emails()] == [site.emails()[0]["Subject"]]
    assert stored(services, reader).status == subscriptions.UNSUBSCRIBED


def test_tampered_token_is_rejected(site, services, reader):
    url = unsubscribe_path(services, reader)
    response = site.client.post(url[:-3] + "xyz", data={"List-Unsubscribe": "One-Click"})
    assert response.status_code == 400
    assert "Nothing was changed" in response.text
    assert stored(services, reader).status == subscriptions.CONFIRMED


def test_an_unsubscribed_reader_can_resubscribe_from_the_same_page(site, services, reader):
    url = unsubscribe_path(services, reader)
    page = site.client.post(url, data={"List-Unsubscribe": "One-Click"})
    assert "subscribe again" in page.text
    response = site.submit(f"{url}/resubscribe")
    assert response.status_code == 200
    assert stored(services, reader).status == subscriptions.CONFIRMED


def test_a_confirmation_link_confirms_only_by_post(site, services, session):
    pending = subscriptions.subscribe(session, "new@example.org", [], services.taxonomy)
    session.commit()
    url = path_of(links.confirm_url(services.settings, pending))
    assert site.get(url).status_code == 200
    assert stored(services, pending).status == subscriptions.PENDING
    assert site.submit(url, form_page=url).status_code == 200
    assert stored(services, pending).status == subscriptions.CONFIRMED


def test_an_unsubscribe_token_cannot_confirm(site, services, session):
    pending = subscriptions.subscribe(session, "new@example.org", [], services.taxonomy)
    session.commit()
    url = links.unsubscribe_url(services.settings, pending.id, pending.token_secret)
    token = url.rsplit("/", 1)[1]
    assert site.submit(f"/confirm/{token}").status_code == 400
    assert stored(services, pending).status == subscriptions.PENDING
