"""What every summary goes through before it is stored, whichever model wrote it: each field
cleaned (`newsletter.text.clean_text`), and no sentence said twice.

The TL;DR is kept as written (cleaned): it is the one shown. A highlight that repeats the TL;DR
or an earlier highlight, or that is about code, data or links, is dropped; so is a sentence of
methodology, results, implications or summary already said in a field before it.
"""

from __future__ import annotations

from newsletter.summarize.sentences import split_sentences
from newsletter.text import clean_text, is_boilerplate
from newsletter.text.words import sentence_key

# the prose fields, in the order in which a sentence is kept where it first appears
_PROSE = ("methodology", "results", "implications", "summary")


def tidy(fields: dict) -> dict:
    """`fields` (a validated summary) cleaned and without repeated sentences; topics untouched."""
    tidied = dict(fields)
    tidied["tldr"] = clean_text(fields["tldr"])
    said = {sentence_key(s) for s in split_sentences(tidied["tldr"])}
    highlights = []
    for highlight in map(clean_text, fields["highlights"]):
        key = sentence_key(highlight)
        if key and key not in said and not is_boilerplate(highlight) and key not in sentence_key(tidied["tldr"]):
            highlights.append(highlight)
            said.add(key)
    tidied["highlights"] = highlights
    for name in _PROSE:
        kept = []
        for sentence in split_sentences(clean_text(fields[name])):
            key = sentence_key(sentence)
            if key not in said and not (name == "implications" and is_boilerplate(sentence)):
                kept.append(sentence)
                said.add(key)
        tidied[name] = " ".join(kept)
    return tidied
