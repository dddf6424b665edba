"""The one cleaning every text a reader sees goes through: titles, abstracts, author names, and
each field of a summary, whoever wrote it."""

from __future__ import annotations

import re

from newsletter.text.tex import tex_to_text

# **bold**, __bold__, *italic* (not a lone "*" or "a * b"), and [text](url) links
_STRONG = re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1")
_EMPHASIS = re.compile(r"(?<![\w*])\*(?=\S)([^*]+?)(?<=\S)\*(?![\w*])")
_LINK = re.compile(r"\[([^\]]+)\]\((?:https?://|www\.)[^)\s]+\)")


def clean_text(text: str | None) -> str:
    """`text` as a reader should see it: markdown emphasis and links reduced to their words, TeX
    rendered as Unicode, whitespace collapsed. Idempotent: cleaning clean text changes nothing."""
    text = _LINK.sub(r"\1", text or "")
    text = _EMPHASIS.sub(r"\1", _STRONG.sub(r"\2", text))
    return tex_to_text(text)
