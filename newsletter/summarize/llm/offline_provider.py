"""The offline summarizer as a litellm custom provider, so every summary goes through litellm.

Model string: `offline/extractive`. It reads the paper from the prompt built by
`newsletter.summarize.prompt` and answers with the structured fields as JSON, built extractively from
the abstract by `newsletter.summarize.extractive` (no model, no network).
"""

from __future__ import annotations

import json

from newsletter.summarize import extractive
from newsletter.summarize.prompt import paper_from_messages

PROVIDER = "offline"


def _handler_class():
    from litellm import CustomLLM  # imported lazily: litellm takes seconds to import

    class OfflineSummarizer(CustomLLM):
        def completion(self, model, messages, *args, **kwargs):
            return _answer(model, messages)

        async def acompletion(self, model, messages, *args, **kwargs):
            return _answer(model, messages)

    return OfflineSummarizer


def _answer(model: str, messages: list[dict]):
    import litellm

    paper, allowed = paper_from_messages(messages)
    fields = extractive.summarize(paper["title"], paper["abstract"], paper.get("categories") or [])
    # the offline tagger knows the bundled taxonomy; an operator's own may name other topics
    fields["topics"] = [topic for topic in fields["topics"] if topic in allowed]
    return litellm.ModelResponse(
        model=f"{PROVIDER}/{model}",
        choices=[{"message": {"role": "assistant", "content": json.dumps(fields)},
                  "finish_reason": "stop", "index": 0}],
    )


def register() -> None:
    """Register the provider with litellm (once per process)."""
    import litellm

    if not any(entry["provider"] == PROVIDER for entry in litellm.custom_provider_map):
        litellm.custom_provider_map.append(
            {"provider": PROVIDER, "custom_handler": _handler_class()()}
        )
