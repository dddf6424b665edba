"""Sentences about the paper's packaging, not its content: where the code or data is, links,
footnotes, venues and author notes. They stay in the abstract a reader can open, and are kept out
of every summary field."""

from __future__ import annotations

import re

_BOILERPLATE = re.compile(
    r"https?://|www\.|\bgithub\b|\bhuggingface\.co\b|\.github\.io|\bproject (?:page|website)\b"
    r"|\b(?:code|codes|data|dataset|datasets|models?|weights|checkpoints|benchmark|demo|"
    r"implementation|resources|toolkit|library|source)\b[^.]{0,80}\b(?:is|are|will be|have been|"
    r"has been|be made|becomes?)\s+(?:\w+\s+)?(?:publicly\s+)?(?:available|released|open[- ]?sourced|"
    r"accessible|public)\b"
    r"|\b(?:available|released|open-sourced|open sourced)\s+(?:at|on|via|from|in)\b"
    r"|\bwe (?:release|open-source|open source|make)\b[^.]{0,60}\b(?:code|data|models?|weights|"
    r"publicly|available)\b|\bwe will (?:release|open-source|open source|publish|share)\b"
    r"|\b(?:equal contribution|corresponding author|work (?:done|performed) (?:during|while))"
    r"|\b(?:accepted|to appear) (?:at|to|in|by) (?:the )?(?:[A-Z]{3,}|\d{4}\b)"
    r"|\bcoming soon\b",
    re.IGNORECASE,
)


def is_boilerplate(sentence: str) -> bool:
    """Whether `sentence` is about code, data or links, a footnote, a venue or an author note."""
    return bool(_BOILERPLATE.search(sentence))
