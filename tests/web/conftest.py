"""A confirmed reader for the web tests (the app and the site are in tests/conftest.py)."""

from __future__ import annotations

import pytest


@pytest.fixture
def reader(cast):
    """A confirmed subscriber of Robotics, reader@example.org."""
    subscriber = cast.reader()
    cast.commit()
    return subscriber
