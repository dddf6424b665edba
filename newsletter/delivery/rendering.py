"""Rendering digests: once per digest, ahead of their batches, and in a large run on another core.

A run's busiest digests go out in many batches and are rendered once (`RenderCache`). A worker
process keeps its renderings across the delivery tasks of one run: each task covers a range of
ids whose readers share many digests with the other ranges. Renderings are kept compressed
(`packed`): a digest's HTML and text, about 90 KB, keep in about 15 KB.

Rendering is the costliest step of a delivery, so a large run renders in a process of its own
(`delivery.side_process`) while the delivery thread reads and claims the next readers; that
thread waits for a rendering only when its batch is next to go. Most digests are rare, and
their batches all leave at the end of a run: `RenderAhead` renders each digest as soon as its
first reader is queued, so that the render process works while the readers are read, not
after.
"""

from __future__ import annotations

import pickle
import zlib
from collections import OrderedDict, deque
from collections.abc import Callable, Hashable
from concurrent.futures import Future
from typing import Self

from newsletter.mail.batch import PersonalizedBatch

# Renderings kept, by a run or by a worker process across its tasks: more than a run of
# 100,000 readers has distinct digests (1,600), packed about 15 KB each.
KEPT = 4000
# Renderings asked ahead and not done yet: enough to keep the render process busy from one
# chunk of readers to the next (about 50 ms), few enough that a rendering asked when its batch
# leaves waits behind little.
UNDER_WAY = 32


class RenderCache:
    """Renderings (futures of batches without recipients) by what they render (a digest), for
    one scope at a time; the `kept` most recently used."""

    def __init__(self, kept: int = KEPT):
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

    def __contains__(self, digest: Hashable) -> bool:
        return digest in self._kept


class RenderAhead:
    """Renders digests before their batches leave, in the order their first readers were
    queued (`notice`), so that the render process works while the delivery thread reads and
    picks: `ask_ahead` after each chunk of readers. At most `under_way` renderings are asked
    ahead at a time, and at most half the cache's `kept` are rendered ahead and not yet used,
    so that none leaves the cache before its batch uses it (`get`). None is asked ahead while
    `waiting()` says to (the render process is starting: they would be rendered in the
    delivery thread, which has its readers to read)."""

    def __init__(self, renderings: RenderCache, render: Callable[[Hashable], Future],
                 under_way: int = UNDER_WAY, waiting: Callable[[], bool] = lambda: False):
        self.renderings, self.render, self.under_way = renderings, render, under_way
        self.waiting = waiting
        self._noticed: dict[Hashable, None] = {}  # in the order noticed, not asked yet
        self._asked: deque[Future] = deque()  # asked ahead, oldest first
        self._unused: set[Hashable] = set()  # rendered ahead, no batch has used them yet

    def notice(self, digest: Hashable) -> None:
        """A reader of `digest` was queued: render it ahead unless it is rendered already."""
        if digest not in self._noticed and digest not in self.renderings:
            self._noticed[digest] = None

    def get(self, digest: Hashable) -> Future:
        """The digest's rendering, for a batch about to leave: asked now unless it was ahead."""
        self._noticed.pop(digest, None)
        self._unused.discard(digest)
        rendering = self.renderings.get(digest, self.render)
        self.ask_ahead()
        return rendering

    def ask_ahead(self) -> None:
        """Ask for the next renderings noticed, as many as there is room for."""
        if self.waiting():
            return
        while self._asked and self._asked[0].done():  # the process renders in order
            self._asked.popleft()
        while (self._noticed and len(self._asked) < self.under_way
               and len(self._unused) < self.renderings.kept // 2):
            digest = next(iter(self._noticed))
            del self._noticed[digest]
            self._asked.append(self.renderings.get(digest, self.render))
            self._unused.add(digest)


def packed(function: Callable[..., object], *args) -> bytes:
    """`function(*args)`, pickled and compressed (zlib's fastest level, about 0.4 ms for a
    digest, 0.2 ms to unpack): what a cache keeps of a rendering."""
    return zlib.compress(pickle.dumps(function(*args), protocol=pickle.HIGHEST_PROTOCOL), 1)


def unpacked(rendering: bytes) -> object:
    """What `packed` packed."""
    return pickle.loads(zlib.decompress(rendering))
