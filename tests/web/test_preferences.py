"""Preferences through the signed link: change, see what changed, export, delete."""

import json

from newsletter.models import Suppression
from newsletter.subscribers import links, subscriptions
from tests.support.site import preferences_path, stored

CHOICES = {"topics": ["NLP", "Robotics"], "frequency": "weekly", "delivery_hour": "18",
           "timezone": "Europe/Paris", "max_papers": "10", "language": "de"}


def test_the_page_shows_the_current_choices(site, services, reader):
    page = site.get(preferences_path(services, reader)).text
    assert 'value="Robotics"\n        checked' in page
    assert "<option selected>UTC</option>" in page


def test_saving_stores_the_choices_and_shows_what_changed(site, services, reader):
    url = preferences_path(services, reader)
    page = site.submit(url, CHOICES, form_page=url)
    assert page.status_code == 200
    assert "Europe/Paris" in page.text and "18:00" in page.text and "German" in page.text
    saved = stored(services, reader)
    assert (saved.topics, saved.frequency, saved.delivery_hour) == (["NLP", "Robotics"],
                                                                   "weekly", 18)
    assert (saved.timezone, saved.max_papers, saved.language) == ("Europe/Paris", 10, "de")
    [notice] = site.emails("reader@example.org")
    assert "Europe/Paris" in notice.get_body(("plain",)).get_content()


def test_saving_the_same_choices_changes_nothing_and_sends_nothing(site, services, reader):
    url = preferences_path(services, reader)
    same = {"topics": ["Robotics"], "frequency": "daily", "delivery_hour": "7",
            "timezone": "UTC", "max_papers": "", "language": "en"}
    assert "Nothing changed" in site.submit(url, same, form_page=url).text
    assert site.emails() == []


def test_an_unknown_time_zone_is_refused_and_nothing_changes(site, services, reader):
    url = preferences_path(services, reader)
    response = site.submit(url, {**CHOICES, "timezone": "Mars/Olympus"}, form_page=url)
    assert response.status_code == 400 and "unknown time zone" in response.text
    assert stored(services, reader).topics == ["Robotics"]


def test_a_tampered_preferences_link_is_refused(site, services, reader):
    url = preferences_path(services, reader)
    assert site.get(url + "x").status_code == 400
    assert site.submit(url + "x", CHOICES).status_code == 400
    assert stored(services, reader).frequency == "daily"


def test_an_unsubscribe_token_does_not_open_the_preferences(site, services, reader):
    token = links.unsubscribe_url(services.settings, reader.id, reader.token_secret).rsplit("/", 1)[1]
    assert site.get(f"/preferences/{token}").status_code == 400


def test_export_my_data_is_a_json_download(site, services, reader):
    response = site.get(preferences_path(services, reader) + "/export")
    assert response.headers["content-type"].startswith("application/json")
    assert "attachment" in response.headers["content-disposition"]
    data = json.loads(response.text)
    assert data["email"] == "reader@example.org"
    assert data["preferences"]["topics"] == ["Robotics"]
    assert {"consents", "deliveries"} <= data.keys()


def test_delete_me_erases_the_subscriber_and_keeps_a_hashed_suppression(site, services, reader):
    url = preferences_path(services, reader)
    assert site.submit(url + "/delete", form_page=url).status_code == 200
    assert stored(services, reader) is None
    with services.factory() as session:
        [entry] = session.query(Suppression).all()
        assert entry.reason == "erased" and "reader" not in entry.email_hash
        assert subscriptions.is_suppressed(session, "READER@example.org")
    site.subscribe("reader@example.org")
    assert site.emails() == []
