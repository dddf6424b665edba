"""A worker SIGKILLed mid-delivery with the production settings (NEWSLETTER_DELIVERY_BATCH_SIZE
unset: one share per worker process, the default visibility timeout of an hour and the default
lease): its readers are mailed within about two minutes, by the share `recover` sends again once
the dead task's lease runs out, each exactly once in the outbox; the run ends and reports the
emails it took over, sent again under the Message-IDs they had."""

import pytest

from newsletter.config import load_settings
from newsletter.db import session_scope
from newsletter.delivery.digest_email import digest_message_id
from newsletter.models import Delivery, Subscriber
from newsletter.runs import records
from newsletter.services import Services
from tests.support.cluster import (
    SLOW,
    emails_in,
    ledger_statuses,
    start_run,
    until,
    wait_for_the_end,
)
from tests.support.outbox import count_by_recipient
from tests.support.outbox import emails_in as messages_in

pytestmark = [pytest.mark.redis, pytest.mark.postgres]
PRODUCTION = {"visibility_timeout": "3600", "dispatch_interval": "900"}
# and NEWSLETTER_DELIVERY_BATCH_SIZE and NEWSLETTER_LEASE_SECONDS unset: their defaults


def test_a_killed_workers_readers_are_mailed_within_two_minutes_with_the_default_settings(
        add_readers, worker_settings, cluster, outbox):
    settings = {key: value for key, value in {**worker_settings, **PRODUCTION}.items()
                if key != "delivery_batch_size"}
    services = Services(load_settings(**settings))
    readers = add_readers(10)
    production = {"NEWSLETTER_DELIVERY_BATCH_SIZE": None,
                  **{f"NEWSLETTER_{key.upper()}": value for key, value in PRODUCTION.items()}}
    doomed = cluster.start(name="doomed", **production, **SLOW)
    cluster.start("beat", name="beat", **production)
    run_id = start_run(services)
    until(emails_in(outbox, 3), 90, "the third email")
    cluster.kill(doomed)  # in the pause after a message was written, before the answer
    written = message_ids(outbox)
    cluster.start(name="heir", **production, **SLOW)
    until(lambda: set(count_by_recipient(outbox)) == set(readers), 150, "every reader's email")
    run = wait_for_the_end(services, run_id, timeout=60)
    assert run.state == records.FINISHED
    assert len(run.report["plan"]) == 1  # the one worker process that answered: one share
    assert count_by_recipient(outbox) == {reader: 1 for reader in readers}
    assert run.report["deliveries"] == {"sent": 10, "resumed": 10}
    assert ledger_statuses(services) == {"sent": 10}
    resent = message_ids(outbox)
    assert {reader: resent[reader] for reader in written} == written  # the same Message-IDs
    assert resent == ledger_message_ids(services)  # each made from its reader's ledger row


def message_ids(outbox) -> dict[str, str]:
    return {message["To"]: message["Message-ID"] for message in messages_in(outbox)}


def ledger_message_ids(services) -> dict[str, str]:
    with session_scope(services.factory) as session:
        rows = session.query(Delivery, Subscriber.email).join(Subscriber).all()
        return {email: digest_message_id(services.settings, row.subscriber_id, row.id)
                for row, email in rows}
