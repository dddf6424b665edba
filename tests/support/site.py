"""What a reader sees of the web app: pages, forms with their CSRF field, their emails, and what
the database holds about them."""

from __future__ import annotations

import re
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import select

from newsletter.models import Subscriber
from newsletter.subscribers import links, notice_queue
from newsletter.subscribers.signup import SignupRequest
from tests.support.outbox import emails_in, link_in

CSRF_FIELD = re.compile(r'name="csrf_token" value="([^"]+)"')
BASE = "https://digest.example.org"


class Site:
    """A browser's view of the app: it keeps cookies, fills in the CSRF field, says where its
    forms come from (Origin, as browsers do), reads emails once the app has sent them."""

    def __init__(self, client: TestClient, outbox: Path):
        self.client, self.outbox = client, outbox

    def get(self, path: str, **kwargs):
        return self.client.get(path, **kwargs)

    def csrf_token(self, path: str = "/") -> str:
        return CSRF_FIELD.search(self.client.get(path).text).group(1)

    def submit(self, path: str, data: dict | None = None, form_page: str = "/"):
        """POST a form as a browser would, with the token of the page that shows it."""
        fields = {"csrf_token": self.csrf_token(form_page), **(data or {})}
        return self.client.post(path, data=fields, headers={"Origin": BASE},
                                follow_redirects=False)

    def subscribe(self, address: str, **fields):
        """Submit the form, and wait for the app to record the sign-up (it does so after the
        answer)."""
        answer = self.submit("/subscribe", {"email": address, **fields})
        self.settle()
        return answer

    def settle(self) -> None:
        """Wait until the app has sent the emails its requests queued."""
        assert self.client.app.state.notice_sender.wait_idle(timeout=30)

    def emails(self, to: str | None = None) -> list:
        self.settle()
        return [m for m in emails_in(self.outbox) if to is None or m["To"] == to]

    def link_in(self, message, kind: str) -> str:
        """The path of the first /`kind`/ link in an email's plain-text part."""
        return path_of(link_in(message, BASE, kind))


def queue_sign_ups(services, addresses) -> None:
    """Queue a sign-up of each address (all topics) as POST /subscribe does, in one commit."""
    with services.engine.begin() as connection:
        connection.execute(notice_queue.SIGNUP_INSERT, [notice_queue.signup_row(
            SignupRequest(address, []).checked(services.taxonomy)) for address in addresses])


def stored(services, subscriber):
    """The subscriber as the database has it now (None when deleted)."""
    with services.factory() as session:
        return session.get(type(subscriber), subscriber.id)


def subscriber_named(services, address: str) -> Subscriber | None:
    """The subscriber with this address as the database has it now."""
    with services.factory() as session:
        return session.scalar(select(Subscriber).where(Subscriber.email == address))


def preferences_path(services, subscriber) -> str:
    """The path of the subscriber's preferences link."""
    return path_of(links.preferences_url(services.settings, subscriber.id,
                                         subscriber.token_secret))


def path_of(url: str) -> str:
    return url.removeprefix(BASE)
