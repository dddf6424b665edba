"""Which items of a blog feed are not papers: job adverts, events, calls for participation.

A lab's or a company's blog mixes research posts with "Join us: 2027 research internships",
"Meet us at NeurIPS" and "Call for papers". A digest lists papers, so ingest leaves such posts
out (and counts them in the source's run report). The test is on the words a post uses to be
what it is: a title that names it ("internships", "we're hiring", "call for papers", "webinar"),
or, for a post whose title does not, at least two such phrases in its text ("applications are
open", "apply by", "stipend", "register now"), since one alone ("our intern built...") is also
said in research posts. The phrases are data: newsletter/data/post_cues.toml. An item that
names an arXiv paper is about that paper and always kept.

Pure: records in, a reason or None out.
"""

from __future__ import annotations

import re

from newsletter.sources.records import PaperRecord
from newsletter.text.word_lists import alternatives, cue_tables

JOB, EVENT, CALL = "job advert", "event", "call for participation"

_REASONS = {"job": JOB, "event": EVENT, "call": CALL}  # the lists' names in data/post_cues.toml


def _patterns(table: str) -> dict[str, re.Pattern]:
    """Each reason's pattern: any phrase of its list in the `table` of post_cues.toml."""
    lists = cue_tables("post_cues")[table]
    return {reason: re.compile(rf"\b{alternatives(lists[name])}", re.IGNORECASE)
            for name, reason in _REASONS.items()}


_TITLE, _TEXT = _patterns("title"), _patterns("text")
_TEXT_CUES_NEEDED = 2


def not_a_paper(record: PaperRecord) -> str | None:
    """Why this feed item is not a paper (JOB, EVENT or CALL), or None when it may be one."""
    if record.arxiv_id:
        return None
    for reason, pattern in _TITLE.items():
        if pattern.search(record.title):
            return reason
    for reason, pattern in _TEXT.items():
        if len({match.lower() for match in pattern.findall(record.abstract)}) >= _TEXT_CUES_NEEDED:
            return reason
    return None
