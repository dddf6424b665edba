"""Redis locks, so that two beats or two overlapping runs never do the same work twice.

Each lock is a redis-py Lock with a timeout (a holder that died frees it when it expires), taken
without waiting: whoever does not get it skips the work. A lock is held in a run's name (its
token is the run's id), so the run's last task releases it in whatever worker it runs, and the
run itself, resumed, takes it again.
"""

from __future__ import annotations

from functools import lru_cache

import redis
from redis.exceptions import LockError
from redis.lock import Lock

from newsletter.config import Settings

DELIVER = "newsletter:lock:deliver"  # one delivering run (pipeline or dispatch) at a time
INGEST = "newsletter:lock:ingest"  # one scheduled ingest at a time


@lru_cache(maxsize=4)
def _client(url: str) -> redis.Redis:
    return redis.Redis.from_url(url)


def _lock(settings: Settings, name: str, owner: str) -> Lock:
    lock = Lock(_client(settings.redis_url), name, timeout=settings.visibility_timeout,
                thread_local=False)
    lock.local.token = owner.encode()
    return lock


def take(settings: Settings, name: str, owner: str) -> bool:
    """Take the lock `name` for `owner` (or renew it when `owner` holds it already) for one
    visibility timeout; False when someone else holds it."""
    lock = _lock(settings, name, owner)
    if lock.do_acquire(owner.encode()):
        return True
    try:
        return lock.reacquire()
    except LockError:  # held by another owner
        return False


def holder(settings: Settings, name: str) -> str | None:
    """The owner holding the lock `name` now, or None when it is free."""
    token = _client(settings.redis_url).get(name)
    return token.decode() if token is not None else None


def release(settings: Settings, name: str, owner: str) -> None:
    """Release `owner`'s lock; nothing happens when it expired or someone else holds it now."""
    try:
        _lock(settings, name, owner).release()
    except LockError:
        pass
