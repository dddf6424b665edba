"""Sentences of an abstract and what each one is: the splitting, the roles a sentence can play in a
summary (a contribution, a result, background), and the edits that let a sentence stand alone
(a dangling connective or a glued heading removed, an over-long sentence cut at a clause).

Everything here is pure and about one sentence at a time; choosing sentences for the fields of
a summary is `newsletter.summarize.extractive`'s job.
"""

from __future__ import annotations

import re

from newsletter.text.word_lists import alternatives, cue_tables

_CUES = cue_tables("sentence_cues")  # newsletter/data/sentence_cues.toml: the words
_ROLES, _STANDALONE = _CUES["roles"], _CUES["standalone"]
_ABBREVIATIONS = frozenset(_CUES["abbreviations"])
_BOUNDARY = re.compile(r"[.!?][\"')\]]*\s+(?=[A-Z0-9\"'(\[])")

# "we propose / introduce / show ..." and "this paper presents ...": what the paper does
_CONTRIBUTION = re.compile(
    r"\b" + alternatives(_CUES["contribution"]["subjects"]) + r"\b[^.;]{0,60}?\b"
    + alternatives(_CUES["contribution"]["verbs"]), re.IGNORECASE)
_RESULT = re.compile(
    r"\b" + alternatives(_ROLES["result"]) + r"\b|\d+(?:\.\d+)?\s?(?:%|×|x\b|points?)",
    re.IGNORECASE)
_METHOD = re.compile(r"\b" + alternatives(_ROLES["method"]) + r"\b", re.IGNORECASE)
_SCOPE = re.compile(
    r"\b" + alternatives(_ROLES["scope_over"]) + r"\b[^.]{0,60}\b"
    + alternatives(_ROLES["scope_of"]) + r"\b|\b" + alternatives(_ROLES["scope"]) + r"\b",
    re.IGNORECASE)
_OUTLOOK = re.compile(r"\b" + alternatives(_ROLES["outlook"]) + r"\b", re.IGNORECASE)
_BACKGROUND = re.compile(r"\b" + alternatives(_CUES["background"]["cues"]), re.IGNORECASE)
# Openings that only make sense after the sentence before: "Further,", "To this end,",
# "Building on this insight,", "Powered by this approach,".
_CONNECTIVE = re.compile(
    r"^(?:" + alternatives([*_STANDALONE["connectives"], r"[A-Z][\w-]*(?: [\w-]+){0,6}? "
                            + alternatives(_STANDALONE["pointers"]) + r"(?: [\w-]+){0,3}"])
    + r"(?:,\s+|\s+(?=we\b)))", re.IGNORECASE)
_ANAPHOR = re.compile(r"^" + alternatives(_STANDALONE["anaphors"]) + r"\b(?! "
                      + alternatives(_STANDALONE["self_references"]) + r"\b)", re.IGNORECASE)
# "Background: ...", "Why success rate is not enough: Agents fail ..." (a heading kept by html_to_text)
_HEADING = re.compile(r"^(?P<heading>[A-Z][^.:;!?]{0,60}):\s+(?=[A-Z])")
_CLAUSE = re.compile(r"(?:;|,? " + alternatives(_STANDALONE["clauses"]) + r"\b|,? (?:—|–) )")
_PARENTHESIS = re.compile(r"\s*\([^()]*\)")
_FIRST_PERSON = re.compile(r"\b(?:we|our|us)\b", re.IGNORECASE)


def split_sentences(text: str) -> list[str]:
    """The sentences of a cleaned text, robust to common abbreviations and decimals."""
    sentences, start = [], 0
    for match in _BOUNDARY.finditer(text):
        before = text[start : match.start()].rsplit(" ", 1)[-1].lower().lstrip("(")
        if text[match.start()] == "." and before in _ABBREVIATIONS:
            continue
        sentences.append(text[start : match.start() + 1].strip())
        start = match.end()
    sentences.append(text[start:].strip())
    return [s for s in sentences if s]


def standalone(sentence: str) -> str:
    """The sentence without what ties it to text before it: a glued heading ("Background: ")
    and a leading connective ("Further, ", "To this end, "); capitalized again, and ended with a
    full stop when the abstract's last sentence has none."""
    if sentence[-1:].isalnum():
        sentence += "."
    heading = _HEADING.match(sentence)
    if heading and not _FIRST_PERSON.search(heading["heading"]) and len(
            heading["heading"].split()) <= 8:
        sentence = sentence[heading.end():]
    stripped = _CONNECTIVE.sub("", sentence, count=1)
    if stripped != sentence and len(stripped.split()) >= 5:
        sentence = stripped[0].upper() + stripped[1:]
    return sentence


def shorten(sentence: str, limit: int) -> str | None:
    """`sentence` in at most `limit` words and still a whole sentence: parentheticals dropped,
    then cut before its last trailing clause that fits (", which ...", "; ..."), ending with a
    full stop. None when no such cut leaves a sentence of 6 words or more."""
    if len(sentence.split()) <= limit:
        return sentence
    plain = _PARENTHESIS.sub("", sentence)
    if len(plain.split()) <= limit:
        return plain
    cuts = [match.start() for match in _CLAUSE.finditer(plain)]
    for cut in reversed(cuts):
        head = plain[:cut].rstrip(" ,;:—–")
        if 6 <= len(head.split()) <= limit:
            return head + "."
    return None


def is_contribution(sentence: str) -> bool:
    """Says what the paper does or finds ("we propose", "this paper shows")."""
    return bool(_CONTRIBUTION.search(sentence))


def is_background(sentence: str) -> bool:
    """Sets the scene rather than reports the paper: the field's state, a gap, a difficulty."""
    return bool(_BACKGROUND.search(sentence)) and not is_contribution(sentence)


def is_anaphoric(sentence: str) -> bool:
    """Opens with a word that points back ("It", "These", "Such"): needs the sentence before."""
    return bool(_ANAPHOR.match(sentence))


def role_fit(sentence: str) -> dict[str, int]:
    """How many cues of each role (method, result, scope, outlook) the sentence carries."""
    return {"method": len(_METHOD.findall(sentence)), "result": len(_RESULT.findall(sentence)),
            "scope": len(_SCOPE.findall(sentence)), "outlook": len(_OUTLOOK.findall(sentence))}
