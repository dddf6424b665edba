"""A worker whose mail provider answers slowly: each message is written to the outbox, then the
answer takes TEST_MAIL_DELAY seconds. The crash tests stop workers in that moment.

Start it with `celery -A tests.support.slow_worker worker`.
"""

from __future__ import annotations

import os
import time

from workers import tasks
from workers.celery_app import app  # noqa: F401  (`celery -A` finds the app here)


class SlowAnswer:
    """A Mailer that sends through `mailer`, then waits `delay` seconds before answering."""

    def __init__(self, mailer, delay: float):
        self.mailer, self.delay = mailer, delay

    def send(self, message) -> str:
        message_id = self.mailer.send(message)
        time.sleep(self.delay)  # the provider took the message; its answer is slow
        return message_id


tasks.services().mailer = SlowAnswer(tasks.services().mailer, float(os.environ["TEST_MAIL_DELAY"]))
