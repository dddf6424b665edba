"""Follows and mutes on the preferences page; the votes and interests in "export my data" and
gone with "delete me"."""

import json

from newsletter import links
from newsletter.models import Paper, PaperRating
from newsletter.personal import LESS
from newsletter.personal.store import record_vote
from tests.web.pages import path_of, stored

KEEP = {"topics": ["Robotics"], "frequency": "daily", "delivery_hour": "7", "timezone": "UTC",
        "max_papers": "", "language": "en"}


def preferences_path(services, subscriber) -> str:
    return path_of(links.preferences_url(services.settings, subscriber.id, subscriber.token_secret))


def test_follows_and_mutes_are_saved_one_per_line_and_the_page_says_what_changed(
        site, services, reader):
    url = preferences_path(services, reader)
    page = site.submit(url, {**KEEP, "authors": "Yann LeCun\n\n  Hervé Jégou \nyann lecun",
                             "organizations": "", "keywords": "diffusion",
                             "muted_keywords": "crypto\r\nblockchain"}, form_page=url)
    assert page.status_code == 200
    assert "Followed authors" in page.text and "Muted keywords" in page.text
    assert "Hervé Jégou" in page.text
    assert stored(services, reader).interests == {
        "authors": ["Yann LeCun", "Hervé Jégou"], "organizations": [], "keywords": ["diffusion"],
        "muted_keywords": ["crypto", "blockchain"]}
    [notice] = site.emails("reader@example.org")
    assert "Muted keywords" in notice.get_body(("plain",)).get_content()


def test_the_page_shows_the_stored_follows(site, services, reader):
    url = preferences_path(services, reader)
    site.submit(url, {**KEEP, "authors": "Yann LeCun\nGeoffrey Hinton"}, form_page=url)
    assert ">Yann LeCun\nGeoffrey Hinton</textarea>" in site.get(url).text


def test_a_form_without_the_follows_keeps_them(site, services, reader):
    url = preferences_path(services, reader)
    site.submit(url, {**KEEP, "keywords": "diffusion"}, form_page=url)
    site.submit(url, {**KEEP, "frequency": "weekly"}, form_page=url)
    assert stored(services, reader).interests["keywords"] == ["diffusion"]


def test_too_many_follows_are_refused_and_nothing_changes(site, services, reader):
    url = preferences_path(services, reader)
    many = "\n".join(f"keyword {n}" for n in range(51))
    response = site.submit(url, {**KEEP, "frequency": "weekly", "keywords": many}, form_page=url)
    assert response.status_code == 400 and "at most 50 lines" in response.text
    saved = stored(services, reader)
    assert saved.interests == {} and saved.frequency == "daily"


def test_export_holds_the_interests_and_the_votes(site, services, reader, session):
    url = preferences_path(services, reader)
    site.submit(url, {**KEEP, "authors": "Yann LeCun"}, form_page=url)
    session.add(Paper(id="2611.00001", title="Sparse", title_key="sparse"))
    record_vote(session, reader.id, "2611.00001", LESS)
    session.commit()
    data = json.loads(site.get(url + "/export").text)
    assert data["interests"]["authors"] == ["Yann LeCun"]
    assert [(r["paper"], r["vote"]) for r in data["ratings"]] == [("2611.00001", "less")]


def test_delete_me_deletes_the_votes(site, services, reader, session):
    session.add(Paper(id="2611.00001", title="Sparse", title_key="sparse"))
    record_vote(session, reader.id, "2611.00001", LESS)
    session.commit()
    url = preferences_path(services, reader)
    assert site.submit(url + "/delete", form_page=url).status_code == 200
    with services.factory() as check:
        assert check.query(PaperRating).count() == 0
