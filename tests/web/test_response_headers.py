"""Pages reached through a signed link are never cached, no page can be framed, and there is
no API schema to read when there are no docs."""

import pytest

from newsletter.models import Paper
from newsletter.personal import MORE, paper_feedback_url
from newsletter.subscribers import links, subscriptions
from tests.support.site import path_of


@pytest.fixture
def reader_links(services, session, reader):
    session.add(Paper(id="2611.00001", title="Sparse attention, again", title_key="sparse"))
    pending = subscriptions.subscribe(session, "new@example.org", [], services.taxonomy)
    session.commit()
    s = services.settings
    preferences = path_of(links.preferences_url(s, reader.id, reader.token_secret))
    return {
        "preferences": preferences,
        "export": f"{preferences}/export",
        "unsubscribe": path_of(links.unsubscribe_url(s, reader.id, reader.token_secret)),
        "confirm": path_of(links.confirm_url(s, pending)),
        "feedback": path_of(paper_feedback_url(
            links.feedback_url(s, reader.id, reader.token_secret), "2611.00001", MORE)),
        "a broken link": "/preferences/not-a-token",
    }


@pytest.mark.parametrize("page", ["preferences", "export", "unsubscribe", "confirm", "feedback",
                                  "a broken link"])
def test_every_page_reached_by_a_token_is_never_stored(site, reader_links, page):
    response = site.get(reader_links[page])
    assert response.status_code == (400 if page == "a broken link" else 200)
    assert response.headers.get_list("cache-control") == ["no-store"]
    assert response.headers["x-frame-options"] == "DENY"
    assert "frame-ancestors 'none'" in response.headers["content-security-policy"]


def test_the_answer_to_a_form_on_a_token_page_is_never_stored_either(site, reader_links):
    response = site.submit(reader_links["preferences"], {"topics": ["NLP"]},
                           form_page=reader_links["preferences"])
    assert response.status_code == 200 and response.headers["cache-control"] == "no-store"


def test_public_pages_may_be_cached(site):
    assert "no-store" not in site.get("/editions").headers.get("cache-control", "")


@pytest.mark.parametrize("path", ["/openapi.json", "/docs", "/redoc"])
def test_without_docs_there_is_no_schema_either(site, path):
    assert site.get(path).status_code == 404
