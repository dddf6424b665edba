"""Unsubscribe: a GET shows a button and changes nothing; a one-click POST unsubscribes."""

import pytest
from fastapi.testclient import TestClient

from newsletter import links, subscriptions
from newsletter.web import create_app


@pytest.fixture
def reader(services, session):
    subscriber = subscriptions.subscribe(session, "reader@example.org", [], services.taxonomy,
                                         confirmed=True)
    session.commit()
    return subscriber


@pytest.fixture
def client(services):
    return TestClient(create_app(services))


def status_of(services, subscriber) -> str:
    with services.factory() as session:
        return session.get(type(subscriber), subscriber.id).status


def path_of(url: str) -> str:
    return url.split("https://digest.example.org", 1)[1]


def test_a_get_shows_a_button_and_changes_nothing(client, services, reader):
    response = client.get(path_of(links.unsubscribe_url(services.settings, reader.id)))
    assert response.status_code == 200
    assert "<form method=\"post\">" in response.text
    assert status_of(services, reader) == subscriptions.CONFIRMED


def test_one_click_post_unsubscribes(client, services, reader):
    url = path_of(links.unsubscribe_url(services.settings, reader.id))
    response = client.post(url, data={"List-Unsubscribe": "One-Click"}, follow_redirects=False)
    assert response.status_code == 200
    assert status_of(services, reader) == subscriptions.UNSUBSCRIBED
    assert client.post(url, data={"List-Unsubscribe": "One-Click"}).status_code == 200


def test_tampered_token_is_rejected(client, services, reader):
    url = path_of(links.unsubscribe_url(services.settings, reader.id))
    response = client.post(url[:-3] + "xyz", data={"List-Unsubscribe": "One-Click"})
    assert response.status_code == 400
    assert status_of(services, reader) == subscriptions.CONFIRMED


def test_a_confirmation_link_confirms_only_by_post(client, services, session):
    pending = subscriptions.subscribe(session, "new@example.org", [], services.taxonomy)
    session.commit()
    url = path_of(links.confirm_url(services.settings, pending.id))
    assert client.get(url).status_code == 200
    assert status_of(services, pending) == subscriptions.PENDING
    assert client.post(url).status_code == 200
    assert status_of(services, pending) == subscriptions.CONFIRMED


def test_an_unsubscribe_token_cannot_confirm(client, services, session):
    pending = subscriptions.subscribe(session, "new@example.org", [], services.taxonomy)
    session.commit()
    token = links.unsubscribe_url(services.settings, pending.id).rsplit("/", 1)[1]
    assert client.post(f"/confirm/{token}").status_code == 400
