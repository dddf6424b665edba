"""Waiting in tests for something another thread or process does."""

import time
from collections.abc import Callable


def wait_until(condition: Callable[[], bool], timeout: float = 60) -> None:
    """Return once `condition()` holds, or after `timeout` seconds (the caller asserts)."""
    deadline = time.monotonic() + timeout
    while not condition() and time.monotonic() < deadline:
        time.sleep(0.01)
