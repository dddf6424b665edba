"""Recorded inputs for the sources tests: the samples shipped in the package and recorded bodies."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "sources"


def sample(name: str) -> bytes:
    """A sample feed as the installed package ships it (what `newsletter demo` reads)."""
    return (resources.files("newsletter") / "samples" / name).read_bytes()


def recorded(name: str) -> bytes:
    """A recorded body from tests/fixtures/sources/."""
    return (FIXTURES / name).read_bytes()
