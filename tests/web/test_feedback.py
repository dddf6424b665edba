"""Feedback links under each paper: a GET shows a button and records nothing; the POST records
the vote, the latest winning, and offers the opposite as undo; a tampered link records nothing."""

import pytest

from newsletter.models import PaperRating
from newsletter.personal import LESS, MORE, paper_feedback_url
from newsletter.subscribers import links
from tests.support.site import path_of

OLD_STYLE = "hep-th/9901001"


@pytest.fixture
def papers(cast):
    cast.paper(1, title="Sparse attention, again")
    cast.store(cast.record(external_id=OLD_STYLE, arxiv_id=OLD_STYLE, title="Strings from 1999"))
    cast.commit()


def feedback_path(services, reader, paper_id, vote) -> str:
    reader_url = links.feedback_url(services.settings, reader.id, reader.token_secret)
    return path_of(paper_feedback_url(reader_url, paper_id, vote))


def votes(services) -> list[tuple]:
    with services.factory() as session:
        return [(r.subscriber_id, r.paper_id, r.vote) for r in session.query(PaperRating)]


def test_a_get_shows_the_paper_and_a_button_and_records_nothing(site, services, reader, papers):
    response = site.get(feedback_path(services, reader, "2611.00001", MORE))
    assert response.status_code == 200
    assert "Sparse attention, again" in response.text and "More like this</button>" in response.text
    assert votes(services) == []


def test_the_post_records_the_vote_and_offers_the_opposite(site, services, reader, papers):
    # Both links from one token: a token signed a second later differs, and the page offers
    # the undo under the token the reader came with.
    reader_url = links.feedback_url(services.settings, reader.id, reader.token_secret)
    path = path_of(paper_feedback_url(reader_url, "2611.00001", LESS))
    response = site.submit(path, form_page=path)
    assert response.status_code == 200 and "fewer papers like" in response.text
    undo = path_of(paper_feedback_url(reader_url, "2611.00001", MORE))
    assert f'action="{undo}"' in response.text
    assert votes(services) == [(reader.id, "2611.00001", LESS)]


def test_the_latest_vote_wins(site, services, reader, papers):
    for vote in (MORE, LESS, MORE):
        path = feedback_path(services, reader, "2611.00001", vote)
        assert site.submit(path, form_page=path).status_code == 200
    assert votes(services) == [(reader.id, "2611.00001", MORE)]


def test_an_old_style_arxiv_id_with_a_slash_can_be_rated(site, services, reader, papers):
    path = feedback_path(services, reader, OLD_STYLE, MORE)
    assert site.submit(path, form_page=path).status_code == 200
    assert votes(services) == [(reader.id, OLD_STYLE, MORE)]


def test_a_tampered_token_is_refused_and_nothing_is_recorded(site, services, reader, papers):
    path = feedback_path(services, reader, "2611.00001", MORE)
    token = path.split("/")[2]
    tampered = path.replace(token, token[:-2] + ("aa" if not token.endswith("aa") else "bb"))
    assert site.get(tampered).status_code == 400
    assert site.submit(tampered, form_page=path).status_code == 400
    assert votes(services) == []


def test_a_preferences_token_is_not_a_feedback_token(site, services, reader, papers):
    preferences_token = path_of(links.preferences_url(services.settings, reader.id,
                                                      reader.token_secret))
    path = f"/feedback/{preferences_token.rsplit('/', 1)[1]}/2611.00001/more"
    assert site.submit(path, form_page="/").status_code == 400
    assert votes(services) == []


def test_an_unknown_vote_or_paper_is_refused(site, services, reader, papers):
    path = feedback_path(services, reader, "2611.00001", MORE)
    assert site.get(path.removesuffix("more") + "much-more").status_code == 400
    assert site.get(feedback_path(services, reader, "2611.99999", MORE)).status_code == 400


def test_a_post_without_the_pages_csrf_token_records_nothing(site, services, reader, papers):
    response = site.client.post(feedback_path(services, reader, "2611.00001", MORE))
    assert response.status_code == 403
    assert votes(services) == []
