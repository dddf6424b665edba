"""Work a large run hands to a process of its own, so that it has a core of its own: a run
renders its digests in one (`delivery.rendering`) and sends its waves from another
(`delivery.sending`), while its delivery thread reads, picks, claims and records.

A run's first few calls run in the calling thread instead: starting the first process costs
about half a second of CPU (an interpreter imports the templates), which a small run does not
repay. A process starts in the background, and calls go on running in the calling thread
until it is up, so that the delivery thread never waits for it. The processes are forked from
a server process that imported what they run once (multiprocessing's "forkserver"), not from
the calling one, which has a database connection and threads. Where no process can be started
(a Celery prefork child is a daemon, and daemons have no children) every call runs in the
calling thread.
"""

from __future__ import annotations

import logging
import multiprocessing
import threading
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor
from typing import TypeVar

T = TypeVar("T")
log = logging.getLogger(__name__)

# Calls made in the calling thread before the process is started: a run with fewer digests
# than this never starts one, and its half second of CPU.
INLINE = 20
# What the processes run, imported once by the server they are forked from.
PRELOADED = ["newsletter.delivery.rendering", "newsletter.delivery.sending"]


class SideProcess:
    """Runs functions in order in a process of its own once it is up, else in the calling
    thread. The process is started (`start`) by the call after the first `inline` ones, or
    never where none may start; one that fails to start is logged, and the calls stay in the
    calling thread. Close it."""

    def __init__(self, inline: float = INLINE):
        self.inline = inline
        self._calls = 0
        self._starting: threading.Thread | None = None
        self._process: ProcessPoolExecutor | None = None  # set once the process is up

    def submit(self, function: Callable[..., T], *args) -> Future[T]:
        """The future result of `function(*args)`; the arguments and the result must pickle."""
        self._calls += 1
        if self._calls > self.inline:
            self.start()
        if self._process is not None:
            return self._process.submit(function, *args)
        done: Future[T] = Future()
        done.set_result(function(*args))
        return done

    def start(self) -> None:
        """Start the process in the background, unless it was or none may start."""
        if self._starting is None and _may_start_processes():
            self._starting = threading.Thread(target=self._start, name="side-process-start",
                                              daemon=True)
            self._starting.start()

    @property
    def started(self) -> bool:
        """Whether calls now run in the process of its own."""
        return self._process is not None

    @property
    def starting(self) -> bool:
        """Whether the process is starting: started, not up, and not failed to start."""
        return (self._starting is not None and self._starting.is_alive()
                and self._process is None)

    def close(self) -> None:
        if self._starting is not None:
            self._starting.join()
        if self._process is not None:
            self._process.shutdown()

    def _start(self) -> None:
        process = ProcessPoolExecutor(max_workers=1, mp_context=_context())
        try:
            process.submit(int).result()  # up once it has run something
        except (OSError, RuntimeError) as error:  # RuntimeError: BrokenProcessPool
            log.warning("no side process (%s): its calls run in this thread", error)
            process.shutdown(wait=False)
            return
        self._process = process


def _may_start_processes() -> bool:
    return not multiprocessing.current_process().daemon


def _context() -> multiprocessing.context.BaseContext:
    if "forkserver" not in multiprocessing.get_all_start_methods():  # Windows
        return multiprocessing.get_context("spawn")
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(PRELOADED)  # read when the server starts, the first time
    return context
