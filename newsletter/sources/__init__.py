"""Sources of papers: one module per kind; `fetch.fetch` does the HTTP, each `parse` is pure.

For example, with `from newsletter.sources.fetch import fetch`:
    spec = SourceSpec.parse("arxiv=https://rss.arxiv.org/rss/cs.LG")
    records = parse(spec.kind, fetch(spec.url).content)
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from newsletter.sources import arxiv, arxiv_api, feed, hf
from newsletter.sources.records import PaperRecord, ParseError

Parser = Callable[[bytes], list[PaperRecord]]

KINDS: dict[str, Parser] = {
    "arxiv": arxiv.parse,
    "arxiv-api": arxiv_api.parse,
    "hf": hf.parse,
    "feed": feed.parse,
}

# The feeds shipped in newsletter/samples/ (one day, 2026-11-23), by kind.
_SAMPLES = [("arxiv", "arxiv_cs.xml"), ("hf", "hf_daily_papers.json"), ("feed", "lab_blog.xml")]

__all__ = ["KINDS", "PaperRecord", "ParseError", "SourceSpec", "parse", "sample_sources"]


@dataclass(frozen=True)
class SourceSpec:
    """One configured source: a kind from KINDS and the http(s) or file URL to read it from."""

    kind: str
    url: str

    @classmethod
    def parse(cls, text: str) -> SourceSpec:
        """Read "KIND=URL" (as in --source and NEWSLETTER_SOURCES).

        Raises ValueError naming the bad value: no "=", an unknown kind, a URL that is not
        http(s) or file.
        """
        kind, separator, url = text.strip().partition("=")
        kind, url = kind.strip(), url.strip()
        if not separator or not kind or not url:
            raise ValueError(f"source {text!r} is not of the form KIND=URL")
        if kind not in KINDS:
            raise ValueError(f"source {text!r}: unknown kind {kind!r} (one of {', '.join(KINDS)})")
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https", "file") or not (parts.netloc or parts.path):
            raise ValueError(f"source {text!r}: {url!r} is not an http(s) or file URL")
        return cls(kind, url)

    def __str__(self) -> str:
        return f"{self.kind}={self.url}"


def parse(kind: str, data: bytes) -> list[PaperRecord]:
    """Parse `data` as a source of `kind`.

    Raises ValueError for an unknown kind, ParseError for bytes that are not what it serves.
    """
    try:
        parser = KINDS[kind]
    except KeyError:
        raise ValueError(f"unknown source kind {kind!r} (one of {', '.join(KINDS)})") from None
    return parser(data)


def sample_sources() -> list[SourceSpec]:
    """The bundled sample feeds as file:// sources: what `newsletter demo` ingests offline."""
    folder = Path(__file__).resolve().parent.parent / "samples"
    return [SourceSpec(kind, (folder / name).as_uri()) for kind, name in _SAMPLES]
