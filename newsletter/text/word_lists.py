"""The word lists the text rules read, kept as data files in `newsletter/data/` (package data, so
an installed wheel has them): one word a line (`.txt`), or tables of lists (`.toml`).

A list of cue phrases in a `.toml` file holds regular-expression alternatives (`results?` is
"result" or "results", `\\w*` any ending); `alternatives` joins them for a pattern whose frame,
the part that is syntax and not vocabulary, stays in the module that uses it.
"""

from __future__ import annotations

import functools
import tomllib
from pathlib import Path

DATA = Path(__file__).resolve().parents[1] / "data"


@functools.cache
def word_list(name: str) -> frozenset[str]:
    """The words of `newsletter/data/{name}.txt`, blank lines and `#` comments left out."""
    lines = (DATA / f"{name}.txt").read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip() for line in lines if line.strip() and not line.startswith("#"))


@functools.cache
def cue_tables(name: str) -> dict:
    """The tables of `newsletter/data/{name}.toml`."""
    with (DATA / f"{name}.toml").open("rb") as file:
        return tomllib.load(file)


def alternatives(phrases: list[str]) -> str:
    """One regular-expression group matching any of `phrases` (each already a pattern)."""
    return "(?:" + "|".join(phrases) + ")"
