"""Enumeration by timing: a sign-up's answer comes after the same work whatever the address
(new, pending, confirmed, unsubscribed, suppressed), and no email is composed or sent in the
request; the emails follow from the queue."""

import threading
from collections import Counter
from pathlib import Path

import mjml
import pytest
import sqlalchemy
from fastapi.testclient import TestClient

from newsletter.subscribers import notice_queue, subscriptions
from newsletter.web import create_app
from tests.support.databases import services_with
from tests.support.local_services import empty_redis, redis_test_url
from tests.support.site import BASE, Site

STATES = ["new", "pending", "confirmed", "unsubscribed", "suppressed"]
REDIS_URL = redis_test_url(10)


@pytest.fixture
def addresses(services, session):
    """One address in each state."""
    taxonomy = services.taxonomy
    subscriptions.subscribe(session, "pending@example.org", [], taxonomy)
    subscriptions.subscribe(session, "confirmed@example.org", [], taxonomy, confirmed=True)
    left = subscriptions.subscribe(session, "unsubscribed@example.org", [], taxonomy,
                                   confirmed=True)
    subscriptions.unsubscribe(left)
    subscriptions.suppress(session, "suppressed@example.org", "complaint")
    session.commit()
    return {state: f"{state}@example.org" for state in STATES}


class Paused:
    """A sender that does nothing when kicked: what the request alone did stays visible."""

    def __init__(self, sender):
        self.sender, self.kicks = sender, 0

    def kick(self):
        self.kicks += 1

    def __getattr__(self, name):
        return getattr(self.sender, name)


def statements_of(services, post) -> list[str]:
    """The SQL that `post()` runs on the request's threads (not the sender's)."""
    seen: list[str] = []

    def record(_connection, _cursor, statement, *_args):
        if threading.current_thread().name != "notice-sender":
            seen.append(statement)
    engine = services.factory.kw["bind"]
    sqlalchemy.event.listen(engine, "before_cursor_execute", record)
    try:
        assert post().status_code == 200
    finally:
        sqlalchemy.event.remove(engine, "before_cursor_execute", record)
    return seen


def test_every_sign_up_runs_the_same_statements_and_sends_nothing_in_the_request(
        site, app, services, addresses):
    paused = app.state.notice_sender = Paused(app.state.notice_sender)
    token = site.csrf_token()
    work = {state: statements_of(services, lambda a=address: site.client.post(
        "/subscribe", data={"email": a, "csrf_token": token}, headers={"Origin": BASE}))
        for state, address in addresses.items()}
    assert all(statements == work["new"] for statements in work.values()), work
    assert not list(site.outbox.glob("*.eml")) and paused.kicks == len(STATES)

    paused.sender.start()  # the sender catches up: each address gets what it calls for
    assert {state: len(site.emails(address)) for state, address in addresses.items()} == {
        "new": 1, "pending": 1, "confirmed": 1, "unsubscribed": 1, "suppressed": 0}
    [reminder] = site.emails("confirmed@example.org")
    assert "already subscribed" in " ".join(reminder.get_body(("plain",)).get_content().split())


class OnRequestThreads:
    """Counts the emails rendered (MJML compiled) and sent by `services`' mailer, on the
    request's threads and on the sender's."""

    def __init__(self, monkeypatch, services):
        self.request, self.sender = Counter(), Counter()
        compile_mjml, send = mjml.mjml2html, services.mailer.send
        monkeypatch.setattr(mjml, "mjml2html", self._counting("rendered", compile_mjml))
        monkeypatch.setattr(services.mailer, "send", self._counting("sent", send))

    def _counting(self, what, call):
        def counted(*args, **kwargs):
            on_sender = threading.current_thread().name == "notice-sender"
            (self.sender if on_sender else self.request)[what] += 1
            return call(*args, **kwargs)
        return counted


@pytest.fixture
def broker():
    with empty_redis(REDIS_URL) as client:
        yield client


@pytest.mark.own_database  # the app's sender thread reads the database too
@pytest.mark.parametrize("mode", ["embedded", pytest.param("workers", marks=pytest.mark.redis)])
def test_no_sign_up_renders_or_sends_an_email_in_its_request_in_either_mode(
        request, services, addresses, monkeypatch, mode):
    """With workers (Redis set) the request enqueues their task, in the embedded mode it wakes
    the web process's sender: either way, no request renders nor sends, whatever the address."""
    if mode == "workers":
        broker = request.getfixturevalue("broker")
        services = services_with(services, redis_url=REDIS_URL)
    app = create_app(services)
    site = Site(TestClient(app, base_url="https://testserver"), Path(services.settings.outbox_dir))
    counted = OnRequestThreads(monkeypatch, services)
    token = site.csrf_token()
    work = {state: statements_of(services, lambda a=address: site.client.post(
        "/subscribe", data={"email": a, "csrf_token": token}, headers={"Origin": BASE}))
        for state, address in addresses.items()}
    assert all(statements == work["new"] for statements in work.values()), work
    assert counted.request == Counter()

    if mode == "workers":  # each request enqueued the workers' task; a worker drains the queue
        assert broker.llen("celery") == len(STATES)
        notice_queue.drain(services.factory, services.settings, services.mailer,
                           services.taxonomy)
        sent = counted.request
    else:
        site.settle()
        app.state.notice_sender.stop()
        sent = counted.sender
    # the counting sees the emails where they are made: all but the suppressed address's
    assert sent == Counter(rendered=len(STATES) - 1, sent=len(STATES) - 1)


@pytest.mark.own_database  # an app of its own, whose sender thread reads the database too
def test_a_sign_up_over_its_mailboxs_limit_does_the_same_work_and_gets_no_email(services):
    limited = services_with(services, signups_per_address_per_hour=1)
    app = create_app(limited)
    site = Site(TestClient(app, base_url="https://testserver"), Path(services.settings.outbox_dir))
    paused = app.state.notice_sender = Paused(app.state.notice_sender)
    token = site.csrf_token()
    first, over = (statements_of(limited, lambda a=address: site.client.post(
        "/subscribe", data={"email": a, "csrf_token": token}, headers={"Origin": BASE}))
        for address in ("ada+1@example.org", "ada+2@example.org"))
    assert first == over and paused.kicks == 2
    paused.sender.start()
    assert [message["To"] for message in site.emails()] == ["ada+1@example.org"]
    with limited.factory() as session:  # not even recorded
        assert subscriptions.find_subscriber(session, "ada+2@example.org") is None
    paused.sender.stop()
