"""Sending the lifecycle emails that requests queue (`newsletter.subscribers.notice_queue`), after the answer.

Without Redis, a thread of the web process drains the queue: woken by each request that queued
an email (once its answer is sent), and every POLL_SECONDS for rows that another process left
or that wait for a retry. It shares the process (and its GIL) with the requests, so before each
email it gives way while requests are being answered (GIVE_WAY_SECONDS at most): a burst of
sign-ups is answered first, and its confirmations follow. With NEWSLETTER_REDIS_URL the workers send: a request enqueues their
`send_notices` task after its answer; when Redis cannot be reached, this process's thread sends
instead, so an email is late rather than lost.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

from newsletter import queue
from newsletter.services import Services
from newsletter.subscribers import notice_queue

log = logging.getLogger(__name__)

POLL_SECONDS = 30.0
GIVE_WAY_SECONDS = 1.0  # the longest an email waits for a pause in the requests
GIVE_WAY_STEP = 0.002  # seconds between two looks at the requests in flight


class NoticeSender:
    """The web process's sender: `kick` after queueing, `wait_idle` to wait for what was kicked."""

    def __init__(self, services: Services, poll_seconds: float = POLL_SECONDS, *,
                 busy: Callable[[], bool] = lambda: False) -> None:
        """`busy`: whether requests are being answered (newsletter.web.middleware.InFlight)."""
        self.services, self.poll_seconds, self.busy = services, poll_seconds, busy
        self._wake, self._lock = threading.Event(), threading.Condition()
        self._kicked = self._drained = 0  # kicks so far; kicks whose rows were handled
        self._thread: threading.Thread | None = None
        self._stopping = False

    def kick(self) -> None:
        """Have the queued emails sent: by the workers when there are some, else here."""
        if self.services.settings.redis_url:
            try:
                queue.send_task(self.services.settings, queue.NOTICES_TASK)
                return
            except Exception:  # Redis down: send from here rather than not at all
                log.exception("could not enqueue the sending of emails; sending them here")
        self.start()

    def start(self) -> None:
        """Have this process's thread (started if need be) send the rows queued so far; at
        start-up, what an earlier process left."""
        with self._lock:
            self._kicked += 1
            self._start()
        self._wake.set()

    def stop(self, timeout: float = 10.0) -> None:
        self._stopping = True
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout)

    def wait_idle(self, timeout: float = 30.0) -> bool:
        """Wait until the rows queued before every kick so far were handled; False on timeout."""
        with self._lock:
            target = self._kicked
            return self._lock.wait_for(lambda: self._drained >= target, timeout)

    def _start(self) -> None:
        if self._thread is None or not self._thread.is_alive():
            self._stopping = False
            self._thread = threading.Thread(target=self._run, name="notice-sender", daemon=True)
            self._thread.start()

    def _run(self) -> None:
        while not self._stopping:
            self._wake.wait(self.poll_seconds)
            self._wake.clear()
            with self._lock:
                kicked = self._kicked  # every row of these kicks is committed: drain sees it
            s = self.services
            try:
                notice_queue.drain(s.factory, s.settings, s.mailer, s.taxonomy,
                                   pause=self._give_way)
            except Exception:  # the database away: try again at the next wake
                log.exception("could not send the queued emails")
            with self._lock:
                self._drained = kicked
                self._lock.notify_all()

    def _give_way(self) -> None:
        """Wait, sleeping (the GIL released), while requests are being answered, for
        GIVE_WAY_SECONDS at most, so that a steady stream of requests delays emails, never
        stops them."""
        until = time.monotonic() + GIVE_WAY_SECONDS
        while self.busy() and not self._stopping and time.monotonic() < until:
            time.sleep(GIVE_WAY_STEP)
