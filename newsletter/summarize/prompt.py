"""The one versioned summary prompt, its JSON schema, and the validation of every answer."""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from newsletter.config import OFFLINE_MODEL

PROMPT_VERSION = "summary-v2"  # v2: text cleaned, TL;DR a contribution, no sentence said twice
PAPER_MARKER = "PAPER (JSON):"
TOPICS_MARKER = "Allowed topics:"
FIELDS = ("tldr", "highlights", "summary", "methodology", "results", "implications", "topics")
TLDR_MAX_WORDS = 40

LANGUAGE_NAMES = {"en": "English", "es": "Spanish", "zh": "Chinese", "fr": "French",
                  "de": "German", "ja": "Japanese", "pt": "Portuguese", "ko": "Korean"}
OFFLINE_LANGUAGES = ("en",)  # the offline summarizer copies English sentences: English only


def written_languages(model: str) -> tuple[str, ...]:
    """The summary languages `model` can write: every one for a language model, English only
    for the offline summarizer."""
    return OFFLINE_LANGUAGES if model == OFFLINE_MODEL else tuple(LANGUAGE_NAMES)


class InvalidSummary(ValueError):
    """An answer that is not a summary of the required shape; the message says what is wrong."""


@dataclass(frozen=True)
class SummaryRequest:
    """What the model is told about one paper."""

    title: str
    abstract: str
    categories: list[str] = field(default_factory=list)
    language: str = "en"


def json_schema(topic_names: list[str]) -> dict:
    text = {"type": "string", "minLength": 1}
    return {
        "type": "object",
        "additionalProperties": False,
        "required": list(FIELDS),
        "properties": {
            "tldr": text,
            "highlights": {"type": "array", "items": text, "minItems": 3, "maxItems": 4},
            "summary": text,
            "methodology": text,
            "results": text,
            "implications": text,
            "topics": {"type": "array", "items": {"enum": topic_names}, "minItems": 1,
                       "maxItems": 3},
        },
    }


# Keywords that providers' strict structured-output modes reject (OpenAI's among them): the schema
# sent on the wire leaves them out, and parse_answer still checks them on every answer.
_UNPORTABLE = {"minLength", "maxLength", "minItems", "maxItems"}


def response_schema(topic_names: list[str]) -> dict:
    """The summary schema in the subset that strict structured outputs accept."""
    def portable(node):
        if isinstance(node, dict):
            return {key: portable(value) for key, value in node.items() if key not in _UNPORTABLE}
        return node

    schema = portable(json_schema(topic_names))
    schema["properties"]["topics"]["items"] = {"type": "string", "enum": topic_names}
    return schema


def build_messages(request: SummaryRequest, topic_names: list[str]) -> list[dict]:
    """The chat messages for one paper. The paper itself is the last block, as JSON, so that no
    text in a title or abstract can pose as an instruction's end."""
    language = LANGUAGE_NAMES.get(request.language, request.language)
    system = (
        "You summarize machine-learning papers for researchers. Answer with one JSON object and "
        "nothing else, with the keys: tldr (one sentence, at most 40 words), highlights (3 to 4 "
        "short strings), summary, methodology, results, implications (a few sentences each), and "
        "topics (1 to 3 names chosen only from the allowed list). Use only what the abstract says; "
        f"never invent numbers. Write in {language}."
    )
    paper = {"title": request.title, "abstract": request.abstract,
             "categories": request.categories}
    user = (
        f"{TOPICS_MARKER} {json.dumps(topic_names)}\n"
        f"{PAPER_MARKER}\n{json.dumps(paper, ensure_ascii=False)}"
    )
    return [{"role": "system", "content": system}, {"role": "user", "content": user}]


def paper_from_messages(messages: list[dict]) -> tuple[dict, list[str]]:
    """The paper JSON block and the allowed topics that build_messages put in the prompt."""
    content = next(m["content"] for m in messages
                   if m["role"] == "user" and PAPER_MARKER in m["content"])
    topics_line, paper = content.rsplit(PAPER_MARKER, 1)
    allowed = json.loads(topics_line.split(TOPICS_MARKER, 1)[1])
    return json.loads(paper), allowed


def parse_answer(text: str | None, topic_names: list[str], *, strict: bool = True) -> dict:
    """Validate a model's answer; return the summary fields, or raise InvalidSummary.

    `strict=False` (for the offline summarizer, the last resort) accepts what an extractive
    summary of a short or empty abstract has: fewer than 3 highlights, empty sections, and no topic
    when nothing in the paper matches the taxonomy; the tldr is always required."""
    try:
        answer = json.loads(_strip_code_fence(text or ""))
    except json.JSONDecodeError as error:
        raise InvalidSummary(f"the answer is not valid JSON ({error})") from None
    if not isinstance(answer, dict):
        raise InvalidSummary("the answer must be a JSON object")
    missing = [name for name in FIELDS if name not in answer]
    if missing:
        raise InvalidSummary(f"missing keys: {', '.join(missing)}")
    for name in ("tldr", "summary", "methodology", "results", "implications"):
        if not isinstance(answer[name], str):
            raise InvalidSummary(f"{name} must be a string")
        if not answer[name].strip() and (strict or name == "tldr"):
            raise InvalidSummary(f"{name} must be a non-empty string")
    if len(answer["tldr"].split()) > TLDR_MAX_WORDS:
        raise InvalidSummary(f"tldr has more than {TLDR_MAX_WORDS} words")
    _check_list(answer, "highlights", 3 if strict else 0, 4)
    _check_list(answer, "topics", 1 if strict else 0, 3)
    allowed = {name.lower(): name for name in topic_names}
    unknown = [topic for topic in answer["topics"] if topic.lower() not in allowed]
    if unknown:
        raise InvalidSummary(f"topics not in the allowed list: {', '.join(unknown)}")
    answer["topics"] = [allowed[topic.lower()] for topic in answer["topics"]]
    return {name: answer[name] for name in FIELDS}


def _check_list(answer: dict, name: str, least: int, most: int) -> None:
    value = answer[name]
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise InvalidSummary(f"{name} must be a list of non-empty strings")
    if not least <= len(value) <= most:
        raise InvalidSummary(f"{name} must have {least} to {most} items, not {len(value)}")


def _strip_code_fence(text: str) -> str:
    """Models often wrap JSON in ```json fences despite being told not to."""
    stripped = text.strip()
    if stripped.startswith("```"):
        stripped = stripped.split("\n", 1)[1] if "\n" in stripped else ""
        stripped = stripped.rsplit("```", 1)[0]
    return stripped
