"""fetch() without waits, for tests that read from the feed stand-in."""

from __future__ import annotations

from functools import partial

from newsletter.sources.fetch import HostPacer, fetch

NO_WAIT = partial(fetch, pacer=HostPacer(0.0), retries=0)


def quick_fetch(**options):
    """fetch without waits: no pacing between requests, no retries, a short read timeout."""
    return partial(fetch, pacer=HostPacer(0.0), retries=0, timeout=2.0, **options)
