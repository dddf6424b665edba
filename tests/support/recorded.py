"""Recorded inputs: the sample feeds shipped in the package, and the bodies in tests/fixtures/."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
SOURCES = FIXTURES / "sources"
SAMPLES = Path(__file__).resolve().parents[2] / "newsletter" / "samples"


def sample(name: str) -> bytes:
    """A sample feed as the installed package ships it (what `newsletter demo` reads)."""
    return (resources.files("newsletter") / "samples" / name).read_bytes()


def sample_uri(name: str) -> str:
    """The file:// URL of a sample feed, as a source spec names it."""
    return (SAMPLES / name).as_uri()


def recorded(name: str) -> bytes:
    """A recorded body from tests/fixtures/sources/."""
    return (SOURCES / name).read_bytes()
