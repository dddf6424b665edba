"""Rendering digests: once per digest, and in a large run on another core.

A run's busiest digests go out in many batches and are rendered once (`RenderCache`). A worker
process keeps its renderings across the delivery tasks of one run: each task covers a range of
ids whose readers share many digests with the other ranges.

Rendering is the costliest step of a delivery, so a large run hands it to a process of its own
(`Renderer`), and with it the signing of each batch's readers' links (the delivery thread's
costliest work a reader): the delivery thread claims and picks the next readers meanwhile, and
the sender thread waits for a rendering only when its batch is next to go.
"""

from __future__ import annotations

import multiprocessing
from collections import OrderedDict
from collections.abc import Callable, Hashable
from concurrent.futures import Future, ProcessPoolExecutor
from typing import Self, TypeVar

from newsletter.mail.batch import PersonalizedBatch

T = TypeVar("T")

# A rendering (HTML and text) is about 50,000 characters (the HTML is fitted under Gmail's
# clipping size of 102 KB): a run keeps its busiest digests, a worker process about as many as
# a run of 100,000 readers has (1,600) minus the rarest, which few of its tasks need.
RUN_KEPT = 64
WORKER_KEPT = 1000
# Calls (renderings, a batch's recipients) a run makes in its own thread before it starts a
# render process: starting one costs about a second (a fresh interpreter imports the
# templates), 100 renderings.
INLINE = 100


class RenderCache:
    """Renderings (futures of batches without recipients) by what they render (a digest), for
    one scope at a time; the `kept` most recently used."""

    def __init__(self, kept: int = RUN_KEPT):
        self.kept = kept
        self._scope: Hashable = None
        self._kept: OrderedDict[Hashable, Future[PersonalizedBatch]] = OrderedDict()

    def scoped(self, scope: Hashable) -> Self:
        """This cache, emptied first unless it holds the renderings of `scope` (a run and an
        edition: the settings, papers and summaries behind a rendering are those of one run)."""
        if scope != self._scope:
            self._kept.clear()
            self._scope = scope
        return self

    def get(self, digest: Hashable, render: Callable[[Hashable], Future[PersonalizedBatch]]
            ) -> Future[PersonalizedBatch]:
        """The digest's rendering, asked of `render` unless kept."""
        rendering = self._kept.get(digest)
        if rendering is not None:
            self._kept.move_to_end(digest)
            return rendering
        rendering = self._kept[digest] = render(digest)
        if len(self._kept) > self.kept:
            self._kept.popitem(last=False)
        return rendering

    def __len__(self) -> int:
        return len(self._kept)


class Renderer:
    """Runs rendering functions (and the making of recipients): the first `inline` calls in
    this thread, the next ones in a process of its own, started then. Where no process can be
    started (a Celery prefork child is a daemon, and daemons have no children) every call runs
    in this thread. Close it."""

    def __init__(self, inline: float = INLINE):
        self.inline = inline
        self._calls = 0
        self._process: ProcessPoolExecutor | None = None

    def submit(self, function: Callable[..., T], *args) -> Future[T]:
        """The future result of `function(*args)`; the arguments and the result must pickle."""
        self._calls += 1
        if self._process is None and self._calls > self.inline and _may_start_processes():
            # spawned, not forked: this process has a database connection and threads
            self._process = ProcessPoolExecutor(
                max_workers=1, mp_context=multiprocessing.get_context("spawn"))
        if self._process is not None:
            return self._process.submit(function, *args)
        done: Future[T] = Future()
        done.set_result(function(*args))
        return done

    def close(self) -> None:
        if self._process is not None:
            self._process.shutdown()


def _may_start_processes() -> bool:
    return not multiprocessing.current_process().daemon
