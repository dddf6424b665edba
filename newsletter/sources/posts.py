"""Which items of a blog feed are not papers: job adverts, events, calls for participation.

A lab's or a company's blog mixes research posts with "Join us: 2027 research internships",
"Meet us at NeurIPS" and "Call for papers". A digest lists papers, so ingest leaves such posts
out (and counts them in the source's run report). The test is on the words a post uses to be
what it is: a title that names it ("internships", "we're hiring", "call for papers", "webinar"),
or, for a post whose title does not, at least two such phrases in its text ("applications are
open", "apply by", "stipend", "register now"), since one alone ("our intern built...") is also
said in research posts. An item that names an arXiv paper is about that paper and always kept.

Pure: records in, a reason or None out.
"""

from __future__ import annotations

import re

from newsletter.sources.records import PaperRecord

JOB, EVENT, CALL = "job advert", "event", "call for participation"

_TITLE_CUES = {
    JOB: r"internships?|(?:we(?:'|\u2019| a)re|now|is|are) hiring|join (?:us|our team)\b(?! at)"
         r"|open (?:positions?|roles?)|job (?:openings?|offers?)|careers?\b|vacanc(?:y|ies)"
         r"|(?:postdoc(?:toral)?|phd|faculty|research(?:er| scientist| engineer)?) (?:positions?|openings?)",
    EVENT: r"webinar|meetup|meet[- ]up|meet us\b|join us at|see you at|visit us at|come (?:see|visit) us"
           r"|live ?stream|fireside chat|open house|hackathon|summer school|info(?:rmation)? session"
           r"|(?:keynote|invited talk|panel discussion|tutorial) at\b",
    CALL: r"call for (?:papers|participation|proposals|submissions|contributions|applications"
          r"|participants|reviewers|nominations)|cfp\b|submissions? (?:are )?(?:now )?open"
          r"|deadline extended|(?:challenge|competition|workshop) (?:is )?(?:now )?open",
}
_TEXT_CUES = {
    JOB: r"applications? (?:are|is) (?:now )?open|apply (?:now|by|before|here|online|today)"
         r"|application deadline|stipends?|salary|full[- ]time|part[- ]time|remote[- ]friendly"
         r"|(?:cv|resume) and|we are (?:looking for|hiring|recruiting)|candidates? (?:should|will)",
    EVENT: r"register (?:now|here|today|by)|registration (?:is )?(?:now )?open|rsvp|livestream"
           r"|doors open|(?:our|the) booth|in person and online",
    CALL: r"submission deadline|submit (?:your|a) (?:paper|abstract|proposal)s?|camera[- ]ready"
          r"|notification of acceptance|page limit|double[- ]blind|organi[sz]ing committee",
}
_TITLE = {reason: re.compile(rf"\b(?:{cue})", re.IGNORECASE) for reason, cue in _TITLE_CUES.items()}
_TEXT = {reason: re.compile(rf"\b(?:{cue})", re.IGNORECASE) for reason, cue in _TEXT_CUES.items()}
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
