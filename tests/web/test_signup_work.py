"""Enumeration by timing: a sign-up's answer comes after the same work whatever the address
(new, pending, confirmed, unsubscribed, suppressed), and no email is composed or sent in the
request; the emails follow from the queue."""

import threading

import pytest
import sqlalchemy

from newsletter.subscribers import subscriptions
from tests.support.site import BASE

STATES = ["new", "pending", "confirmed", "unsubscribed", "suppressed"]


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
