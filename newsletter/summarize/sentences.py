"""Sentences of an abstract and what each one is: the splitting, the roles a sentence can play in a
summary (a contribution, a result, background), and the edits that let a sentence stand alone
(a dangling connective or a glued heading removed, an over-long sentence cut at a clause).

Everything here is pure and about one sentence at a time; choosing sentences for the fields of
a summary is `newsletter.summarize.extractive`'s job.
"""

from __future__ import annotations

import re

_ABBREVIATIONS = {"e.g", "i.e", "al", "fig", "figs", "eq", "eqs", "vs", "cf", "etc", "sec", "tab",
                  "approx", "resp", "no", "dr", "mr", "ms", "prof", "st", "w.r.t", "a.k.a",
                  "viz", "ca", "ref", "refs"}
_BOUNDARY = re.compile(r"[.!?][\"')\]]*\s+(?=[A-Z0-9\"'(\[])")

# "we propose / introduce / show ..." and "this paper presents ...": what the paper does
_CONTRIBUTION = re.compile(
    r"\b(?:we|this (?:paper|work|study|report|article|thesis)|our (?:work|paper|study|results?|"
    r"experiments?|analysis|findings?|evaluations?))\b[^.;]{0,60}?\b(?:propose|present|introduce|"
    r"develop|design|show|find|found|demonstrate|build|release|construct|establish|derive|prove|"
    r"identify|reveal|report|achieve|outperform|train|curate|create|formulate|offer|provide|"
    r"uncover|argue|observe|conduct|systematically|investigate|study|analy[sz]e|examine|explore|"
    r"benchmark|evaluate|suggest|confirm|indicate|enable|attain|obtain|reach|describe|discuss|"
    r"share|outline|detail|review|survey)",
    re.IGNORECASE)
_RESULT = re.compile(
    r"\b(?:outperform\w*|surpass\w*|achiev\w*|improv\w*|reduc\w*|boost\w*|gain\w*|speedup|"
    r"state-of-the-art|state of the art|sota|accuracy|exceed\w*|beat\w*|match\w*|rivals?|"
    r"success rate|win rate|fewer|faster|higher|lower|better)\b|\d+(?:\.\d+)?\s?(?:%|×|x\b|points?)",
    re.IGNORECASE)
_METHOD = re.compile(
    r"\b(?:by (?:\w+ing|using|combining|leveraging|training)|we (?:use|train|fine-tune|adopt|"
    r"leverage|combine|model|formulate|design|build|construct|employ)|consists? of|comprises?|"
    r"based on|framework|architecture|algorithm|pipeline|module|objective|loss|mechanism|"
    r"encoder|decoder|pre-?train\w*|fine-tun\w*|distill\w*|reinforcement learning|reward)\b",
    re.IGNORECASE)
_SCOPE = re.compile(
    r"\b(?:on|across|over|spanning|covering)\b[^.]{0,60}\b(?:benchmarks?|datasets?|tasks?|"
    r"domains?|languages?|settings?|models?|environments?|cases?|games?)\b|\b(?:evaluat\w*|"
    r"experiments?|tested|extensive)\b", re.IGNORECASE)
_OUTLOOK = re.compile(
    r"\b(?:enabl\w*|suggest\w*|future|implications?|potential|promising|we believe|opens?|pave\w*|"
    r"could|may|we hope|broader|insights?|highlight\w*|underscore\w*|establish\w*|path toward|"
    r"step toward\w*|foundation for|practical)\b", re.IGNORECASE)
_BACKGROUND = re.compile(
    r"\b(?:ha(?:s|ve) (?:emerged|become|attracted|gained|shown|achieved|demonstrated|made|seen|"
    r"been widely)|(?:is|are) (?:increasingly|becoming|widely|commonly|often|typically|"
    r"usually)|remains? (?:a |an |challenging|difficult|unclear|limited|underexplored|"
    r"largely|open)|recent (?:advances|progress|work|years|studies|developments|breakthroughs)|"
    r"existing (?:methods|approaches|works?|systems|models|benchmarks|techniques|studies)|"
    r"prior (?:work|methods|approaches)|however|yet\b|despite|suffer\w*|struggle\w*|"
    r"(?:a|the) (?:key|fundamental|central|critical|major|long-standing) (?:challenge|problem|"
    r"question|bottleneck)|traditional|conventional(?:ly)?|current (?:methods|approaches|models|"
    r"systems))", re.IGNORECASE)
# Openings that only make sense after the sentence before: "Further,", "To this end,",
# "Building on this insight,", "Powered by this approach,".
_CONNECTIVE = re.compile(
    r"^(?:(?:further(?:more)?|moreover|additionally|in addition|finally|then|thus|hence|"
    r"therefore|consequently|specifically|notably|importantly|crucially|concretely|meanwhile|"
    r"however|instead|overall|together|in particular|in summary|in conclusion|in short|"
    r"to this end|to that end|as a result|in this (?:paper|work|study|report)|here|"
    r"in contrast|by contrast|accordingly|subsequently|first(?:ly)?|second(?:ly)?|third(?:ly)?|"
    r"lastly|beyond (?:this|that)|on top of (?:this|that)|with (?:this|that|these)|"
    r"[A-Z][\w-]*(?: [\w-]+){0,6}? (?:this|these|that|those|such|it|its|their|them|"
    r"the (?:above|former|latter))(?: [\w-]+){0,3})(?:,\s+|\s+(?=we\b)))", re.IGNORECASE)
_ANAPHOR = re.compile(r"^(?:it|its|they|their|these|those|such|this|that|both|the latter|"
                      r"the former)\b(?! (?:paper|work|study|report|article)\b)", re.IGNORECASE)
# "Background: ...", "Why success rate is not enough: Agents fail ..." (a heading kept by html_to_text)
_HEADING = re.compile(r"^(?P<heading>[A-Z][^.:;!?]{0,60}):\s+(?=[A-Z])")
_CLAUSE = re.compile(
    r"(?:;|,? (?:which|where|whereas|while|thereby|enabling|allowing|achieving|leading|"
    r"resulting|making|yielding|demonstrating|showing|including|outperforming|improving|"
    r"reducing|surpassing|and thus|thus)\b|,? (?:—|–) )")
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
