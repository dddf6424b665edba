"""Sending a wave of batches, wherever it runs: on the run's sender thread, or in a process of
its own when the mailer is portable (`recipe`), so that the run process only reads, picks,
claims and records while another core makes and sends the requests.

A wave's batches come as (packed rendering, readers). For each, the readers' own parts are
made (links signed, the transport's personalizations written), the batch is sent, and every
reader's outcome is returned for the ledger. The requests go out on a thread of their own, so
that the next batch is made while the provider answers the last.
"""

from __future__ import annotations

import dataclasses
import logging
import pickle
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from functools import lru_cache

from newsletter.config import Settings
from newsletter.delivery import digest_email
from newsletter.delivery.ledger import Outcome
from newsletter.delivery.rendering import unpacked
from newsletter.mail import Mailer
from newsletter.mail.batch import BatchResult, PersonalizedBatch, send_batch

log = logging.getLogger(__name__)

# (delivery id, subscriber id, address, token secret): tuples pickle many times faster than
# objects, and a wave sent from another process pickles a thousand of them.
Reader = tuple[int, int, str, str]
# A batch of a wave: its digest's rendering (`rendering.packed`), and its readers.
WaveBatch = tuple[bytes, Sequence[Reader]]


def send_wave(mailer: Mailer, settings: Settings, batches: Sequence[WaveBatch]
              ) -> list[Outcome]:
    """Send each batch to its readers; the outcome of every reader, in order."""
    prepare = getattr(mailer, "prepare_recipients", None)
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="wave-requests") as requests:
        sent = [requests.submit(send_batch, mailer, _batch(settings, rendering, readers, prepare))
                for rendering, readers in batches]
        outcomes = []
        for (_, readers), result in zip(batches, sent):
            outcomes += _outcomes(readers, result.result())
    return outcomes


def _batch(settings: Settings, rendering: bytes, readers: Sequence[Reader],
           prepare: Callable | None) -> PersonalizedBatch:
    """The batch of a packed rendering for these readers, each with their own links."""
    recipients = digest_email.digest_recipients(settings, readers, prepare)
    # The addresses come from the subscribers table, validated at signup and import.
    return dataclasses.replace(unpacked(rendering), recipients=recipients,
                               addresses_checked=True)


def _outcomes(readers: Sequence[Reader], result: BatchResult) -> list[Outcome]:
    if result.failed:
        log.warning("%d of %d digests failed, e.g. %s", len(result.failed), len(readers),
                    result.failed[0].error)
    by_email = {item.email: item for item in result.results}
    return [Outcome(delivery_id, by_email[email].message_id, by_email[email].error)
            for delivery_id, _, email, _ in readers]


def recipe(mailer: Mailer) -> bytes | None:
    """The mailer pickled, when it says it is `portable` (a copy unpickled in another process
    sends as it does: SendGrid's pickles its settings, not its connection) and all it was
    given pickles too; else None, and its waves are sent on the run's own sender thread."""
    if not getattr(mailer, "portable", False):
        return None
    try:
        return pickle.dumps(mailer)
    except (pickle.PicklingError, AttributeError, TypeError):  # e.g. a test's lambda
        return None


def send_wave_by_recipe(mailer_recipe: bytes, settings: Settings,
                        batches: Sequence[WaveBatch]) -> list[Outcome]:
    """`send_wave` through the mailer `mailer_recipe` pickles (what runs in the send process);
    the mailer is kept across waves, so its connection stays open."""
    return send_wave(_mailer(mailer_recipe), settings, batches)


@lru_cache(maxsize=4)
def _mailer(mailer_recipe: bytes) -> Mailer:
    return pickle.loads(mailer_recipe)
