"""The queue of lifecycle emails, on SQLite and PostgreSQL: each email sent once, even by
senders racing; a failure tried again later; nothing sent to an erased address."""

import datetime as dt
import threading
import time

import pytest
from sqlalchemy import select, update

from newsletter.mail import MailError
from newsletter.mail.outbox import OutboxMailer
from newsletter.models import QueuedNotice
from newsletter.services import Services
from newsletter.subscribers import notice_queue, notices, privacy, subscriptions
from newsletter.subscribers.signup import CONFIRMATION
from tests.support.site import queue_sign_ups


@pytest.fixture
def stored(stored_url, settings) -> Services:
    return Services(settings.model_copy(update={"database_url": stored_url}))


class Recording:
    """A mailer that keeps what it was given, slowly if asked, failing the first `failures`."""

    def __init__(self, failures: int = 0, permanent: bool = False, delay: float = 0.0):
        self.sent, self.failures, self.permanent, self.delay = [], failures, permanent, delay
        self._lock = threading.Lock()

    def send(self, message) -> str:
        time.sleep(self.delay)
        with self._lock:
            if self.failures:
                self.failures -= 1
                raise MailError("the server is away", permanent=self.permanent)
            self.sent.append(message.to)
        return f"id-{len(self.sent)}"


def drain(services, mailer):
    return notice_queue.drain(services.factory, services.settings, mailer, services.taxonomy)


def rows(services) -> list[QueuedNotice]:
    with services.factory() as session:
        return session.scalars(select(QueuedNotice).order_by(QueuedNotice.id)).all()


def test_a_queued_sign_up_is_recorded_and_answered_by_the_sender(stored):
    queue_sign_ups(stored, ["ada@example.org"])
    mailer = Recording()
    assert drain(stored, mailer) == {notice_queue.SENT: 1}
    assert mailer.sent == ["ada@example.org"] and rows(stored) == []
    with stored.factory() as session:
        ada = subscriptions.find_subscriber(session, "ada@example.org")
        assert ada.status == subscriptions.PENDING and ada.confirm_secret


def test_a_mail_failure_is_tried_again_later_and_the_sign_up_recorded_once(stored):
    queue_sign_ups(stored, ["ada@example.org"])
    mailer = Recording(failures=1)
    assert drain(stored, mailer) == {notice_queue.RETRY: 1}
    [row] = rows(stored)
    assert (row.kind, row.attempts) == (CONFIRMATION, 1) and row.claimed_until > row.queued_at
    assert drain(stored, mailer) == {}  # not before its time
    with stored.factory() as session:
        session.execute(update(QueuedNotice).values(claimed_until=dt.datetime(2000, 1, 1)))
        session.commit()
    assert drain(stored, mailer) == {notice_queue.SENT: 1} and mailer.sent == ["ada@example.org"]
    with stored.factory() as session:
        ada = subscriptions.find_subscriber(session, "ada@example.org")
        assert ada.signup_mails_in_window == 1  # recorded once, sent on the second try


def test_an_address_the_server_refuses_is_given_up_at_once(stored):
    queue_sign_ups(stored, ["ada@example.org"])
    assert drain(stored, Recording(failures=1, permanent=True)) == {notice_queue.FAILED: 1}
    assert rows(stored) == []


def test_a_sender_that_died_leaves_its_claim_to_lapse(stored):
    queue_sign_ups(stored, ["ada@example.org"])
    assert notice_queue._claim_next(stored.factory) is not None  # and then the sender died
    mailer = Recording()
    assert drain(stored, mailer) == {} and mailer.sent == []
    with stored.factory() as session:
        session.execute(update(QueuedNotice).values(claimed_until=dt.datetime(2000, 1, 1)))
        session.commit()
    assert drain(stored, mailer) == {notice_queue.SENT: 1}


def test_senders_draining_at_once_send_each_email_once(stored):
    addresses = [f"reader{n}@example.org" for n in range(12)]
    queue_sign_ups(stored, addresses)
    mailer = Recording(delay=0.02)
    senders = [threading.Thread(target=drain, args=(stored, mailer)) for _ in range(3)]
    for sender in senders:
        sender.start()
    for sender in senders:
        sender.join()
    assert sorted(mailer.sent) == sorted(addresses) and rows(stored) == []


def test_an_erased_subscribers_queued_email_is_never_sent(stored):
    with stored.factory() as session:
        ada = subscriptions.subscribe(session, "ada@example.org", [], stored.taxonomy,
                                      confirmed=True)
        notice_queue.queue_notice(session, notices.WELCOME, ada.id)
        session.commit()
        privacy.erase(session, ada)
        session.commit()
    mailer = Recording()
    assert drain(stored, mailer) == {} and mailer.sent == [] and rows(stored) == []


def test_an_email_that_no_longer_applies_is_dropped(stored):
    with stored.factory() as session:
        ada = subscriptions.subscribe(session, "ada@example.org", [], stored.taxonomy)
        notice_queue.queue_notice(session, CONFIRMATION, ada.id)
        subscriptions.confirm(ada)  # through another email, before this one was sent
        session.commit()
    assert drain(stored, OutboxMailer(stored.settings.outbox_dir)) == {notice_queue.DROPPED: 1}
