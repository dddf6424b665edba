"""Sentences about the paper's packaging, not its content: where the code or data is, links,
footnotes, venues and author notes. They stay in the abstract a reader can open, and are kept out
of every summary field."""

from __future__ import annotations

import re

from newsletter.text.word_lists import cue_tables

# newsletter/data/sentence_cues.toml holds the patterns
_BOILERPLATE = re.compile("|".join(cue_tables("sentence_cues")["boilerplate"]["patterns"]),
                          re.IGNORECASE)


def is_boilerplate(sentence: str) -> bool:
    """Whether `sentence` is about code, data or links, a footnote, a venue or an author note."""
    return bool(_BOILERPLATE.search(sentence))
