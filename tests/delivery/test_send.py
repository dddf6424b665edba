"""Delivering an edition: one rendering per distinct digest, one batch per 1,000 readers, every
reader with their own links, and the ledger's promise of at most one email each."""

import datetime as dt
import email
import email.policy
from pathlib import Path

import pytest
from sqlalchemy import update

from newsletter import leases
from newsletter.delivery import ledger, send, sending
from newsletter.delivery.ledger import sent_among
from newsletter.delivery.provider_events import apply_events
from newsletter.delivery.rendering import RenderCache
from newsletter.delivery.send import deliver_edition
from newsletter.delivery.sending import send_wave
from newsletter.delivery.side_process import SideProcess
from newsletter.editions.build import build_edition, pool
from newsletter.mail.batch import send_batch
from newsletter.mail.outbox import OutboxMailer
from newsletter.mail.sendgrid import SendGridMailer
from newsletter.mail.sendgrid_webhook import Event
from newsletter.models import Delivery, Lease, Subscriber, utcnow
from newsletter.runs.report import RunReport
from newsletter.subscribers import subscriptions
from tests.support.cast import TODAY
from tests.support.waiting import wait_until


def sendgrid(sendgrid_stub, **options) -> SendGridMailer:
    return SendGridMailer("SG.key", api_url=sendgrid_stub.url, sleep=lambda seconds: None, **options)


@pytest.fixture
def edition(cast):
    cast.paper(1, topics=["NLP"], upvotes=10)
    cast.paper(2, topics=["Robotics"], upvotes=5)
    edition = cast.edition()
    cast.commit()
    return edition


def statuses(session) -> dict[str, int]:
    rows = session.query(Delivery.status).all()
    return {status: sum(1 for (s,) in rows if s == status) for (status,) in set(rows)}


def test_readers_of_the_same_digest_share_one_request_with_their_own_links(
        cast, session, settings, edition, sendgrid_stub):
    nlp = cast.readers(3, ["NLP"])
    outcomes = deliver_edition(session, settings, sendgrid(sendgrid_stub), edition)
    assert outcomes["sent"] == 3 and len(sendgrid_stub.requests) == 1
    delivered = {item["to"]: item for item in sendgrid_stub.emails()}
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
        cast, session, settings, edition, sendgrid_stub):
    cast.readers(1001, ["NLP"], prefix="nlp")
    cast.readers(2, ["Robotics"], prefix="bot")
    outcomes = deliver_edition(session, settings, sendgrid(sendgrid_stub), edition)
    assert outcomes["sent"] == 1003
    assert sorted(len(r.body["personalizations"]) for r in sendgrid_stub.requests) == [1, 2, 1000]


def test_one_refused_address_fails_alone(cast, session, settings, edition, sendgrid_stub):
    nlp = cast.readers(3, ["NLP"])
    sendgrid_stub.refused_addresses.add(nlp[1].email)
    outcomes = deliver_edition(session, settings, sendgrid(sendgrid_stub), edition)
    assert (outcomes["sent"], outcomes["failed"]) == (2, 1)
    assert {item["to"] for item in sendgrid_stub.emails()} == {nlp[0].email, nlp[2].email}


class Watching:
    """A Mailer that notes, as each batch leaves, the ledger statuses of its rows and how many
    rows are "sending" in all, read through a connection of its own."""

    def __init__(self, mailer, factory):
        self.mailer, self.factory, self.seen = mailer, factory, []

    def send(self, message):
        return self.mailer.send(message)

    def send_batch(self, batch):
        ids = [int(recipient.custom_args["delivery_id"]) for recipient in batch.recipients]
        with self.factory() as session:
            rows = session.query(Delivery.id, Delivery.status).all()
        self.seen.append(({status for row_id, status in rows if row_id in ids},
                          sum(status == ledger.SENDING for _, status in rows)))
        return self.mailer.send_batch(batch)


@pytest.mark.own_database  # the mailer reads the ledger on the sender thread, as it stands
def test_each_wave_is_sending_before_it_leaves_and_every_wave_in_flight_is_recorded(
        cast, session, services, settings, edition, sendgrid_stub, monkeypatch):
    monkeypatch.setattr(send, "WAVE", 1)  # one digest a wave: four waves
    for number, topics in enumerate([["NLP"], ["Robotics"], [], ["NLP", "Robotics"]]):
        cast.readers(1, topics, prefix=f"t{number}-")
    watching = Watching(sendgrid(sendgrid_stub), services.factory)
    outcomes = deliver_edition(session, settings, watching, edition)
    assert outcomes["sent"] == 4 and statuses(session) == {ledger.SENT: 4}
    assert [statuses for statuses, _ in watching.seen] == [{ledger.SENDING}] * 4
    assert max(sending for _, sending in watching.seen) <= send.IN_FLIGHT


def test_an_outage_fails_rows_and_a_rerun_duplicates_nothing(
        cast, session, settings, edition, sendgrid_stub):
    cast.readers(2, ["NLP"])
    sendgrid_stub.fail_next(10, status=500)
    outcomes = deliver_edition(session, settings, sendgrid(sendgrid_stub, max_attempts=3), edition)
    assert outcomes["failed"] == 2 and sendgrid_stub.emails() == []
    again = deliver_edition(session, settings, sendgrid(sendgrid_stub), edition)
    assert again["sent"] == 0 and sendgrid_stub.emails() == []
    # the papers stay eligible for the next edition
    assert sent_among(session, [r.id for r in session.query(Subscriber)], ["2611.00001"],
                      edition.date) == {}


def test_a_second_run_sends_nothing_twice(cast, session, settings, edition, sendgrid_stub):
    cast.readers(2, ["NLP"])
    deliver_edition(session, settings, sendgrid(sendgrid_stub), edition)
    again = deliver_edition(session, settings, sendgrid(sendgrid_stub), edition)
    assert (again["sent"], len(sendgrid_stub.emails())) == (0, 2)


def test_a_reader_with_nothing_new_gets_no_email_and_is_counted(
        cast, session, settings, edition, sendgrid_stub):
    cast.readers(1, ["Time Series"])
    outcomes = deliver_edition(session, settings, sendgrid(sendgrid_stub), edition)
    assert outcomes["empty"] == 1 and sendgrid_stub.requests == []
    assert statuses(session) == {ledger.EMPTY: 1}


def test_a_suppressed_address_is_never_mailed(cast, session, settings, edition, sendgrid_stub):
    gone, kept = cast.readers(2, ["NLP"])
    subscriptions.suppress(session, gone.email, "bounce")
    session.commit()
    deliver_edition(session, settings, sendgrid(sendgrid_stub), edition)
    assert [item["to"] for item in sendgrid_stub.emails()] == [kept.email]


def age_held_rows(session, by: dt.timedelta) -> None:
    """Make every held row older, as if its process had died `by` ago."""
    for row in session.query(Delivery):
        row.claimed_at -= by
        row.sending_at = row.sending_at and row.sending_at - by
    session.commit()


class Killed(BaseException):
    """The process dying: nothing after it runs (a BaseException, as SystemExit would be)."""


class DiesAfterSending:
    """A Mailer that sends through `mailer`, then dies before it can answer: the crash that
    leaves rows in "sending" after their emails went out."""

    def __init__(self, mailer):
        self.mailer = mailer

    def send(self, message):
        self.mailer.send(message)
        raise Killed

    def send_batch(self, batch):
        send_batch(self.mailer, batch)
        raise Killed


DYING = "dying-run"  # the lease owner of a run the tests kill


@pytest.fixture
def dying(session) -> str:
    """A run's lease that is alive until `die` ends it, as SIGKILL does: nothing released."""
    leases.take(session, DYING, DYING, dt.timedelta(hours=1), note="the doomed run")
    return DYING


def die(session) -> None:
    """The doomed run's lease runs out, and the provider's reports on its rows are no longer
    awaited: its rows are a dead process's."""
    session.execute(update(Lease).where(Lease.owner == DYING).values(
        expires_at=utcnow() - dt.timedelta(seconds=1)))
    age_held_rows(session, ledger.PROVIDER_REPORTS_WITHIN + dt.timedelta(seconds=1))


def killed_after_sending(session, settings, mailer, edition) -> None:
    """Deliver under the doomed run's lease (the `dying` fixture) through `mailer`, dying as
    soon as the first request went out."""
    with pytest.raises(Killed):
        deliver_edition(session, settings, DiesAfterSending(mailer), edition, holder=DYING)


def test_claimed_rows_of_a_dead_run_are_released_after_the_lease_and_sent_once(
        cast, session, settings, edition, sendgrid_stub, dying):
    reader, = cast.readers(1, ["NLP"])
    ledger.claim_digests(session, edition.id, {reader.id: ["2611.00001"]}, holder=dying)
    outcomes = deliver_edition(session, settings, sendgrid(sendgrid_stub), edition)
    assert (outcomes["sent"], outcomes["held"]) == (0, 1)  # waiting for a live run, and said so
    report = RunReport(date=TODAY, deliveries=outcomes)
    assert "1 emails held by another run" in "\n".join(report.lines())
    die(session)
    assert deliver_edition(session, settings, sendgrid(sendgrid_stub), edition)["sent"] == 1
    assert len(sendgrid_stub.emails()) == 1


def test_a_run_killed_after_writing_the_outbox_leaves_each_reader_one_file(
        cast, session, settings, edition, dying):
    nlp = cast.readers(3, ["NLP"])
    outbox = OutboxMailer(settings.outbox_dir)
    killed_after_sending(session, settings, outbox, edition)
    assert statuses(session) == {ledger.SENDING: 3}
    assert deliver_edition(session, settings, outbox, edition)["held"] == 3  # within the lease
    die(session)
    outcomes = deliver_edition(session, settings, outbox, edition)
    assert (outcomes["resumed"], outcomes["sent"]) == (3, 3)
    assert statuses(session) == {ledger.SENT: 3}
    files = list(Path(settings.outbox_dir).glob("*.eml"))
    recipients = [email.message_from_bytes(f.read_bytes())["To"] for f in files]
    assert sorted(recipients) == sorted(reader.email for reader in nlp)


def test_after_a_crash_sendgrid_rows_it_reported_on_are_not_sent_again(
        cast, session, settings, edition, sendgrid_stub, dying):
    cast.readers(2, ["NLP"])
    killed_after_sending(session, settings, sendgrid(sendgrid_stub), edition)
    first = sendgrid_stub.emails()
    events = [Event(sg_event_id=f"e{n}", event="processed", email=item["to"],
                    timestamp=dt.datetime.now(dt.UTC),
                    sg_message_id=f"{item['message_id']}.filter0001.{n}",
                    custom_args=item["custom_args"]) for n, item in enumerate(first)]
    assert apply_events(session, events) == {"ignored": 2, "deliveries_confirmed": 2}
    session.commit()
    die(session)
    assert deliver_edition(session, settings, sendgrid(sendgrid_stub), edition)["resumed"] == 0
    assert len(sendgrid_stub.emails()) == 2 and statuses(session) == {ledger.SENT: 2}
    assert {row.provider_message_id for row in session.query(Delivery)} == {first[0]["message_id"]}
    assert all(row.paper_ids for row in session.query(Delivery))


def test_after_a_crash_unconfirmed_rows_go_again_with_the_same_message_id(
        cast, session, settings, edition, sendgrid_stub, dying):
    cast.readers(2, ["NLP"])
    killed_after_sending(session, settings, sendgrid(sendgrid_stub), edition)
    die(session)
    assert deliver_edition(session, settings, sendgrid(sendgrid_stub), edition)["resumed"] == 2
    first, second = sendgrid_stub.emails()[:2], sendgrid_stub.emails()[2:]
    message_ids = [{item["to"]: item["headers"]["Message-ID"] for item in sent}
                   for sent in (first, second)]
    assert message_ids[0] == message_ids[1] and len(set(message_ids[0].values())) == 2
    assert statuses(session) == {ledger.SENT: 2}


def test_a_taken_over_row_of_a_reader_who_left_meanwhile_is_closed_not_held(
        cast, session, settings, edition, dying):
    stays, leaves = cast.readers(2, ["NLP"])
    outbox = OutboxMailer(settings.outbox_dir)
    killed_after_sending(session, settings, outbox, edition)
    subscriptions.unsubscribe(leaves)
    session.commit()
    die(session)
    outcomes = deliver_edition(session, settings, outbox, edition)
    assert (outcomes["resumed"], outcomes["sent"], outcomes["unknown"]) == (1, 1, 1)
    row = session.query(Delivery).filter_by(subscriber_id=leaves.id).one()
    assert row.status == ledger.UNKNOWN and "the reader left" in row.error
    first, last = sorted((stays.id, leaves.id))
    assert ledger.held_by_others(session, edition.id, first, last, None) == 0


def test_rows_of_editions_no_run_delivers_any_more_are_closed_as_unknown(
        cast, session, settings, edition, dying):
    cast.readers(1, ["NLP"])
    killed_after_sending(session, settings, OutboxMailer(settings.outbox_dir), edition)
    age_held_rows(session, ledger.ABANDONED + dt.timedelta(hours=1))
    assert ledger.close_abandoned(session) == (0, 1)
    assert statuses(session) == {ledger.UNKNOWN: 1}


def test_no_paper_reaches_a_reader_twice_across_editions(cast, session, settings, sendgrid_stub):
    cast.paper(1, topics=["NLP"], upvotes=10)
    reader, = cast.readers(1, ["NLP"])
    deliver_edition(session, settings, sendgrid(sendgrid_stub),
                    build_edition(session, TODAY - dt.timedelta(days=6)))
    reader.frequency = "weekly"  # the week's pool, ending today, holds paper 1 again
    cast.paper(2, topics=["NLP"])
    today = build_edition(session, TODAY)
    session.commit()
    assert {paper.id for paper in pool(session, today, "weekly")} == {"2611.00001", "2611.00002"}
    deliver_edition(session, settings, sendgrid(sendgrid_stub), today)
    rows = session.query(Delivery).order_by(Delivery.id).all()
    assert [row.paper_ids for row in rows] == [["2611.00001"], ["2611.00002"]]


def test_readers_are_sent_at_their_hour_and_counted_until_then(
        cast, session, settings, edition, sendgrid_stub):
    paris, = cast.readers(1, ["NLP"], prefix="paris")
    paris.timezone, paris.delivery_hour, paris.confirmed_at = "Europe/Paris", 8, dt.datetime(2026, 1, 1)
    session.commit()
    early = deliver_edition(session, settings, sendgrid(sendgrid_stub), edition, now=dt.datetime(2026, 11, 23, 6))
    assert (early["not_due"], early["sent"]) == (1, 0)
    on_time = deliver_edition(session, settings, sendgrid(sendgrid_stub), edition, now=dt.datetime(2026, 11, 23, 7))
    assert on_time["sent"] == 1


def test_the_outbox_gets_every_header_a_list_message_needs(cast, session, settings, edition):
    cast.readers(1, ["NLP"])
    settings = settings.model_copy(update={"reply_to": "editors@example.org"})
    outbox = OutboxMailer(settings.outbox_dir)
    assert deliver_edition(session, settings, outbox, edition)["sent"] == 1
    [path] = Path(settings.outbox_dir).glob("*.eml")
    message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
    assert message["List-Unsubscribe"].startswith("<https://digest.example.org/unsubscribe/")
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert message["List-Id"] and message["Message-ID"] and message["Date"]
    assert message["Reply-To"] == "editors@example.org"
    assert message["From"] == settings.from_email
    assert message["List-Unsubscribe"].strip("<>") in message.get_body(("plain",)).get_content()
    assert "/-unsubscribe_url-" not in path.read_text()


def test_tasks_of_one_run_sharing_renderings_render_each_digest_once(
        cast, session, settings, edition, sendgrid_stub, monkeypatch):
    nlp = cast.readers(4, ["NLP"])
    renders = []
    real = send.EditionSender._render
    monkeypatch.setattr(send.EditionSender, "_render",
                        lambda sender, digest: renders.append(digest) or real(sender, digest))
    kept = RenderCache().scoped(("run", edition.id))
    for first, last in [(nlp[0].id, nlp[1].id), (nlp[2].id, nlp[3].id)]:  # two tasks' ranges
        deliver_edition(session, settings, sendgrid(sendgrid_stub), edition, first, last,
                        renderings=kept)
    assert len(renders) == 1 and len(sendgrid_stub.requests) == 2
    assert statuses(session) == {"sent": 4}
    first, second = (request.body["content"] for request in sendgrid_stub.requests)
    assert first == second


class UpAtOnce(SideProcess):
    """A side process up before its first call, as in a large run."""

    def __init__(self):
        super().__init__(inline=0)
        self.start()
        wait_until(lambda: self.started)


@pytest.mark.parametrize("portable", [True, False])
def test_a_run_that_renders_in_a_process_of_its_own_sends_the_same_emails(
        cast, session, settings, edition, sendgrid_stub, monkeypatch, portable):
    cast.readers(2, ["NLP"], prefix="nlp")
    cast.readers(1, ["Robotics"], prefix="bot")
    deliver_edition(session, settings, sendgrid(sendgrid_stub), edition)
    inline = sorted((r.body["subject"], r.body["content"][0]["value"]) for r in sendgrid_stub.requests)
    session.query(Delivery).delete()
    session.commit()
    sendgrid_stub.requests.clear()
    monkeypatch.setattr(send, "SideProcess", UpAtOnce)
    waves_sent_here = []
    monkeypatch.setattr(sending, "send_wave", lambda *call: waves_sent_here.append(call)
                        or send_wave(*call))
    # a mailer given a lambda does not pickle: its waves go out on the run's own thread
    mailer = (SendGridMailer("SG.key", api_url=sendgrid_stub.url) if portable
              else sendgrid(sendgrid_stub))
    outcomes = deliver_edition(session, settings, mailer, edition)
    assert outcomes["sent"] == 3
    assert sorted((r.body["subject"], r.body["content"][0]["value"])
                  for r in sendgrid_stub.requests) == inline
    assert (len(waves_sent_here) == 0) is portable  # sent from the send process


def test_a_dead_runs_rows_wait_for_reports_only_from_sendgrid_with_its_webhook(settings):
    webhook = settings.model_copy(update={"mail_backend": "sendgrid",
                                          "sendgrid_webhook_public_key": "key"})
    assert send.reports_awaited(webhook) == ledger.PROVIDER_REPORTS_WITHIN
    assert send.reports_awaited(settings) == dt.timedelta(0)  # the outbox reports nothing
