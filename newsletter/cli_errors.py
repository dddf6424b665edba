"""The errors a command tells in one line instead of a traceback: a database or a Redis it
cannot reach. Each line names the setting to look at and what its server answered."""

from __future__ import annotations

from sqlalchemy.exc import DBAPIError


def explain(error: BaseException) -> str | None:
    """One line for an error of a service that a setting points to, or None for any other
    error (a bug, which keeps its traceback)."""
    if isinstance(error, DBAPIError) and error.orig is not None:
        return f"NEWSLETTER_DATABASE_URL: cannot use the database: {_first_line(error.orig)}"
    if _is_redis_error(error):
        return f"NEWSLETTER_REDIS_URL: cannot reach Redis: {_first_line(error)}"
    return None


def _is_redis_error(error: BaseException) -> bool:
    # Imported here: a command without NEWSLETTER_REDIS_URL never loads the queue's clients.
    from kombu.exceptions import OperationalError as BrokerError
    from redis.exceptions import ConnectionError as RedisConnectionError
    from redis.exceptions import TimeoutError as RedisTimeoutError

    return isinstance(error, (BrokerError, RedisConnectionError, RedisTimeoutError))


def _first_line(error: BaseException) -> str:
    lines = [line.strip() for line in str(error).splitlines() if line.strip()]
    return lines[0] if lines else type(error).__name__
