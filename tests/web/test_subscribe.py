"""The landing page and double opt-in: the form, the confirmation email, the link, the limits."""

import html

from sqlalchemy import select

from newsletter.models import Consent
from newsletter.subscribers import subscriptions, tokens
from tests.support.site import stored, subscriber_named


def test_the_landing_page_has_a_labelled_form_with_every_topic(site, services):
    page = site.get("/").text
    assert '<label for="email">' in page and 'id="email"' in page
    assert "<legend>Topics</legend>" in page and "<legend>How often</legend>" in page
    assert '<label for="language">' in page
    for topic in services.taxonomy.topics:
        assert f'value="{html.escape(topic.name)}"' in page


def test_pages_load_nothing_from_other_sites(site):
    response = site.get("/")
    assert "<script" not in response.text
    assert "https://" not in response.text.split("<body>")[0]
    assert "default-src 'none'" in response.headers["content-security-policy"]


def test_subscribing_sends_a_confirmation_whose_link_confirms(site, services):
    answer = site.subscribe("Ada@Example.ORG", topics=["Robotics", "NLP"], frequency="weekly",
                            language="fr")
    assert answer.status_code == 200 and "Check your inbox" in answer.text
    [confirmation] = site.emails("ada@example.org")
    confirm_path = site.link_in(confirmation, "confirm")
    assert subscriber_named(services, "ada@example.org").status == subscriptions.PENDING
    assert site.submit(confirm_path, form_page=confirm_path).status_code == 200
    subscriber = subscriber_named(services, "ada@example.org")
    assert (subscriber.status, subscriber.topics) == (subscriptions.CONFIRMED, ["Robotics", "NLP"])
    assert (subscriber.frequency, subscriber.language) == ("weekly", "fr")
    assert len(site.emails("ada@example.org")) == 2  # and a welcome


def test_the_welcome_page_and_email_say_when_the_digests_come(site, services):
    site.subscribe("ada@example.org", topics=["Robotics"], frequency="weekly")
    confirm_path = site.link_in(site.emails("ada@example.org")[0], "confirm")
    page = site.submit(confirm_path, form_page=confirm_path).text
    assert "Your first digest comes" in page and "every Monday at 07:00 UTC" in page
    welcome = site.emails("ada@example.org")[-1]
    text = welcome.get_body(("plain",)).get_content()
    assert "Your first digest comes" in text and "every Monday at 07:00 UTC" in text


def test_the_consent_record_says_when_from_where_and_which_form(site, services):
    site.client.headers["user-agent"] = "TestBrowser/1.0"
    site.subscribe("ada@example.org")
    confirm_path = site.link_in(site.emails()[0], "confirm")
    site.submit(confirm_path, form_page=confirm_path)
    with services.factory() as session:
        [consent] = session.scalars(select(Consent)).all()
    assert consent.ip == "testclient" and consent.user_agent == "TestBrowser/1.0"
    assert consent.form_version and consent.requested_at <= consent.confirmed_at


def test_an_internationalized_domain_is_normalized(site, services):
    site.subscribe("Reader@Bücher.Example")
    assert subscriber_named(services, "reader@bücher.example") is not None


def test_an_invalid_address_is_refused_and_kept_in_the_form(site):
    answer = site.subscribe("not-an-address", topics=["Robotics"])
    assert answer.status_code == 400
    assert "not a valid email address" in answer.text and 'role="alert"' in answer.text
    assert 'value="not-an-address"' in answer.text
    assert site.emails() == []


def test_an_unknown_topic_is_refused(site):
    assert site.subscribe("ada@example.org", topics=["Astrology"]).status_code == 400


def test_the_answer_never_reveals_whether_an_address_is_subscribed(site, services, reader):
    with services.factory() as session:
        subscriptions.suppress(session, "gone@example.org", "complaint")
        session.commit()
    answers = {address: site.subscribe(address) for address in
               ("reader@example.org", "new@example.org", "gone@example.org")}
    bodies = {a: r.text.replace(a, "ADDRESS") for a, r in answers.items()}
    assert {r.status_code for r in answers.values()} == {200}
    assert len(set(bodies.values())) == 1


def test_a_confirmed_reader_who_subscribes_again_gets_a_reminder_and_nothing_changes(site,
                                                                                   services,
                                                                                   reader):
    site.subscribe("reader@example.org", topics=["NLP"])
    [reminder] = site.emails("reader@example.org")
    assert site.link_in(reminder, "preferences")
    assert stored(services, reader).topics == ["Robotics"]


def test_a_suppressed_address_is_never_mailed_nor_added(site, services):
    with services.factory() as session:
        subscriptions.suppress(session, "gone@example.org", "bounce")
        session.commit()
    site.subscribe("gone@example.org")
    assert site.emails() == [] and subscriber_named(services, "gone@example.org") is None


def test_the_form_resends_at_most_three_times_a_day(site):
    for _ in range(5):
        assert site.subscribe("ada@example.org").status_code == 200
    assert len(site.emails("ada@example.org")) == 3


def test_one_network_is_limited_to_a_few_sign_ups_an_hour(site, services):
    limit = services.settings.signups_per_ip_per_hour
    answers = [site.subscribe(f"person{n}@example.org").status_code for n in range(limit + 1)]
    assert answers[:limit] == [200] * limit and answers[-1] == 429


def test_a_post_without_the_csrf_token_changes_nothing(site, services):
    site.get("/")
    response = site.client.post("/subscribe", data={"email": "ada@example.org"})
    assert response.status_code == 403
    assert subscriber_named(services, "ada@example.org") is None


def test_a_csrf_token_from_another_browser_is_refused(site, app, services):
    from fastapi.testclient import TestClient

    token = site.csrf_token()
    other = TestClient(app, base_url="https://testserver")
    other.get("/")
    response = other.post("/subscribe", data={"email": "ada@example.org", "csrf_token": token})
    assert response.status_code == 403


def test_an_oversized_request_is_refused(site, services):
    response = site.subscribe("ada@example.org", padding="x" * 20_000)
    assert response.status_code == 413
    assert subscriber_named(services, "ada@example.org") is None


def test_an_expired_confirmation_link_is_a_clear_400_page(site, services, monkeypatch):
    site.subscribe("ada@example.org")
    confirm_path = site.link_in(site.emails()[0], "confirm")
    monkeypatch.setattr(tokens, "CONFIRM_MAX_AGE_SECONDS", -1)
    response = site.get(confirm_path)
    assert response.status_code == 400 and "expired" in response.text
    assert subscriber_named(services, "ada@example.org").status == subscriptions.PENDING


def test_without_a_language_model_the_form_offers_only_english(site):
    page = site.get("/").text
    assert '<option value="en" selected>English</option>' in page
    assert '<option value="fr" disabled>French (needs a language model)</option>' in page
    assert "its built-in summarizer writes English" in page


def test_with_a_language_model_every_language_is_offered(services):
    from fastapi.testclient import TestClient

    from newsletter.web import create_app

    services.settings = services.settings.model_copy(update={"llm_model": "openai/some-model"})
    app = create_app(services)
    try:
        page = TestClient(app, base_url="https://testserver").get("/").text
    finally:
        app.state.notice_sender.stop()
    assert '<option value="fr" >French</option>' in page and "disabled" not in page
