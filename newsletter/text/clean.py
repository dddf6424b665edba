"""The one cleaning every text a reader sees goes through: titles, abstracts, author names, and
each field of a summary, whoever wrote it."""

from __future__ import annotations

import re

from newsletter.text.tex import tex_to_text

# **bold**, __bold__, *italic* (not a lone "*" or "a * b"), and [text](url) links
_STRONG = re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1")
_EMPHASIS = re.compile(r"(?<![\w*])\*(?=\S)([^*]+?)(?<=\S)\*(?![\w*])")
_LINK = re.compile(r"\[([^\]]+)\]\((?:https?://|www\.)[^)\s]+\)")

# Unicode's bidirectional controls (embeddings, overrides, isolates, marks): one in a title
# reorders what follows it, in our pages and in mail clients, so that a title can pass off one
# text (a link, a name) as another
_BIDI_CONTROLS = dict.fromkeys(map(ord, "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e"
                                        "\u2066\u2067\u2068\u2069"))


def clean_text(text: str | None) -> str:
    """`text` as a reader should see it: markdown emphasis and links reduced to their words, TeX
    rendered as Unicode, whitespace collapsed, no bidirectional control. Idempotent: cleaning
    clean text changes nothing."""
    text = _LINK.sub(r"\1", without_bidi(text or ""))
    text = _EMPHASIS.sub(r"\1", _STRONG.sub(r"\2", text))
    return tex_to_text(text)


def without_bidi(text: str) -> str:
    """`text` without Unicode's bidirectional controls (which can make one text look like
    another); every other character kept."""
    return text.translate(_BIDI_CONTROLS)
