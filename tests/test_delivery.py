"""Delivering an edition: one rendering per distinct digest, one batch per 1,000 readers, every
reader with their own links, and the ledger's promise of at most one email each."""

import datetime as dt
import email
import email.policy
from pathlib import Path

import pytest

from newsletter import ledger, subscriptions
from newsletter.delivery import deliver_edition, deliver_one
from newsletter.digests import build_edition
from newsletter.mail.outbox import OutboxMailer
from newsletter.mail.sendgrid import SendGridMailer
from newsletter.models import Delivery, SentPaper
from tests.stubs.sendgrid_api import SendGridStub
from tests.test_digests import TODAY, add_paper, add_subscriber


@pytest.fixture
def stub():
    with SendGridStub() as server:
        yield server


def sendgrid(stub, **options) -> SendGridMailer:
    return SendGridMailer("SG.key", api_url=stub.url, sleep=lambda seconds: None, **options)


@pytest.fixture
def edition(session):
    add_paper(session, 1, ["NLP"], upvotes=10)
    add_paper(session, 2, ["Robotics"], upvotes=5)
    edition = build_edition(session, TODAY)
    session.commit()
    return edition


def readers(session, services, count, topics, prefix="r"):
    made = [add_subscriber(session, services, f"{prefix}{n}@example.org", topics)
            for n in range(count)]
    session.commit()
    return made


def statuses(session) -> dict[str, int]:
    rows = session.query(Delivery.status).all()
    return {status: sum(1 for (s,) in rows if s == status) for (status,) in set(rows)}


def test_readers_of_the_same_digest_share_one_request_with_their_own_links(
        session, services, settings, edition, stub):
    nlp = readers(session, services, 3, ["NLP"])
    outcomes = deliver_edition(session, settings, sendgrid(stub), edition)
    assert outcomes["sent"] == 3 and len(stub.requests) == 1
    delivered = {item["to"]: item for item in stub.emails()}
    for reader in nlp:
        mail = delivered[reader.email]
        row = session.query(Delivery).filter_by(subscriber_id=reader.id).one()
        assert mail["headers"]["List-Unsubscribe"].strip("<>") in mail["text"]
        assert mail["custom_args"] == {"edition_id": str(edition.id), "delivery_id": str(row.id)}
        assert f"edition-{edition.id}" in mail["categories"]
        assert row.provider_message_id == mail["message_id"]
    links = {item["headers"]["List-Unsubscribe"] for item in delivered.values()}
    assert len(links) == 3 and all(link.startswith("<https://") for link in links)


def test_requests_are_at_most_one_per_thousand_readers_plus_one_per_digest(
        session, services, settings, edition, stub):
    readers(session, services, 1001, ["NLP"], prefix="nlp")
    readers(session, services, 2, ["Robotics"], prefix="bot")
    outcomes = deliver_edition(session, settings, sendgrid(stub), edition)
    assert outcomes["sent"] == 1003
    assert sorted(len(r.body["personalizations"]) for r in stub.requests) == [1, 2, 1000]


def test_one_refused_address_fails_alone(session, services, settings, edition, stub):
    nlp = readers(session, services, 3, ["NLP"])
    stub.refused_addresses.add(nlp[1].email)
    outcomes = deliver_edition(session, settings, sendgrid(stub), edition)
    assert (outcomes["sent"], outcomes["failed"]) == (2, 1)
    assert {item["to"] for item in stub.emails()} == {nlp[0].email, nlp[2].email}


def test_an_outage_fails_rows_and_a_rerun_duplicates_nothing(
        session, services, settings, edition, stub):
    readers(session, services, 2, ["NLP"])
    stub.fail_next(10, status=500)
    outcomes = deliver_edition(session, settings, sendgrid(stub, max_attempts=3), edition)
    assert outcomes["failed"] == 2 and stub.emails() == []
    again = deliver_edition(session, settings, sendgrid(stub), edition)
    assert again["sent"] == 0 and stub.emails() == []
    assert session.query(SentPaper).count() == 0  # the papers stay eligible for the next edition


def test_a_second_run_sends_nothing_twice(session, services, settings, edition, stub):
    readers(session, services, 2, ["NLP"])
    deliver_edition(session, settings, sendgrid(stub), edition)
    again = deliver_edition(session, settings, sendgrid(stub), edition)
    assert (again["sent"], len(stub.emails())) == (0, 2)


def test_a_reader_with_nothing_new_gets_no_email_and_is_counted(
        session, services, settings, edition, stub):
    readers(session, services, 1, ["Time Series"])
    outcomes = deliver_edition(session, settings, sendgrid(stub), edition)
    assert outcomes["empty"] == 1 and stub.requests == []
    assert statuses(session) == {ledger.EMPTY: 1}


def test_a_suppressed_address_is_never_mailed(session, services, settings, edition, stub):
    gone, kept = readers(session, services, 2, ["NLP"])
    subscriptions.suppress(session, gone.email, "bounce")
    session.commit()
    deliver_edition(session, settings, sendgrid(stub), edition)
    assert [item["to"] for item in stub.emails()] == [kept.email]


def test_claimed_rows_of_a_dead_run_are_released_and_sent_once(
        session, services, settings, edition, stub):
    reader, = readers(session, services, 1, ["NLP"])
    ledger.claim(session, edition.id, [reader.id])
    assert deliver_edition(session, settings, sendgrid(stub), edition)["sent"] == 0
    later = dt.datetime.now(dt.UTC).replace(tzinfo=None) + ledger.LEASE * 2
    assert ledger.recover_stale(session, later) == (1, 0)
    assert deliver_edition(session, settings, sendgrid(stub), edition)["sent"] == 1


def test_rows_a_run_died_sending_end_unknown_and_are_never_resent(
        session, services, settings, edition, stub):
    readers(session, services, 1, ["NLP"])

    class DiesMidRequest:
        def send(self, message):
            raise SystemExit("killed")

    with pytest.raises(SystemExit):
        deliver_edition(session, settings, DiesMidRequest(), edition)
    assert statuses(session) == {ledger.SENDING: 1}
    later = dt.datetime.now(dt.UTC).replace(tzinfo=None) + ledger.LEASE * 2
    assert ledger.recover_stale(session, later) == (0, 1)
    assert deliver_edition(session, settings, sendgrid(stub), edition)["sent"] == 0
    assert statuses(session) == {ledger.UNKNOWN: 1} and stub.requests == []


def test_no_paper_reaches_a_reader_twice_across_editions(session, services, settings, stub):
    add_paper(session, 1, ["NLP"], upvotes=10)
    build_edition(session, TODAY - dt.timedelta(days=7))
    reader, = readers(session, services, 1, ["NLP"])
    deliver_edition(session, settings, sendgrid(stub), build_edition(session, TODAY - dt.timedelta(days=7)))
    reader.frequency = "weekly"  # the week's pool of next Monday holds paper 1 again
    add_paper(session, 2, ["NLP"])
    monday = build_edition(session, TODAY)
    session.commit()
    deliver_edition(session, settings, sendgrid(stub), monday)
    rows = session.query(Delivery).order_by(Delivery.id).all()
    assert [row.paper_ids for row in rows] == [["2611.00001"], ["2611.00002"]]


def test_readers_are_sent_at_their_hour_and_counted_until_then(
        session, services, settings, edition, stub):
    paris, = readers(session, services, 1, ["NLP"], prefix="paris")
    paris.timezone, paris.delivery_hour, paris.confirmed_at = "Europe/Paris", 8, dt.datetime(2026, 1, 1)
    session.commit()
    early = deliver_edition(session, settings, sendgrid(stub), edition, now=dt.datetime(2026, 11, 23, 6))
    assert (early["not_due"], early["sent"]) == (1, 0)
    on_time = deliver_edition(session, settings, sendgrid(stub), edition, now=dt.datetime(2026, 11, 23, 7))
    assert on_time["sent"] == 1


def test_the_outbox_gets_every_header_a_list_message_needs(session, services, settings, edition):
    reader, = readers(session, services, 1, ["NLP"])
    settings = settings.model_copy(update={"reply_to": "editors@example.org"})
    assert deliver_one(session, settings, OutboxMailer(settings.outbox_dir), edition, reader.id) == "sent"
    [path] = Path(settings.outbox_dir).glob("*.eml")
    message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
    assert message["List-Unsubscribe"].startswith("<https://digest.example.org/unsubscribe/")
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert message["List-Id"] and message["Message-ID"] and message["Date"]
    assert message["Reply-To"] == "editors@example.org"
    assert message["From"] == settings.from_email
    assert message["List-Unsubscribe"].strip("<>") in message.get_body(("plain",)).get_content()
    assert "/-unsubscribe_url-" not in path.read_text()
