"""A stand-in for an OpenAI-compatible chat completions server: real HTTP on 127.0.0.1, in a thread.

    with OpenAIStub() as stub:
        summarizer = LLMSummarizer("openai/stub-model", api_base=stub.url)
        stub.script(Fail(429, retry_after="2"), Garbage())  # the next two calls; then `default`
        ...
        stub.calls  # every request received, in order

`POST /v1/chat/completions` is what litellm's "openai/..." provider calls with an api base. By
default the stub answers a valid summary built from the paper in the prompt, in the language the
prompt asks for, with the first allowed topic. Behaviours: `Answer(delay)` (answer, slowly if
asked), `Fail(status, retry_after)`, `Garbage()` (an answer that is not JSON), `Gate(n)` (answer
once n requests are in flight) and `Hang()` (never answer until the stub stops). `peak_in_flight`
is the most requests it held at once.
"""

from __future__ import annotations

import json
import re
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler

from tests.stubs.loopback import LoopbackServer, send_json

PATH = "/v1/chat/completions"


@dataclass
class RecordedCall:
    model: str
    messages: list[dict]
    response_format: dict | None
    status: int = 0


@dataclass(frozen=True)
class Answer:
    delay: float = 0.0

    def respond(self, stub: OpenAIStub, body: dict) -> tuple[int, dict, dict]:
        if self.delay:
            stub.stopping.wait(self.delay)
        return 200, {}, _completion(body, json.dumps(summary_for(body["messages"])))


@dataclass(frozen=True)
class Fail:
    status: int
    retry_after: str | None = None

    def respond(self, stub: OpenAIStub, body: dict) -> tuple[int, dict, dict]:
        headers = {"Retry-After": self.retry_after} if self.retry_after else {}
        error = {"message": f"stub says {self.status}", "type": "stub_error", "code": None}
        return self.status, headers, {"error": error}


@dataclass(frozen=True)
class Fixed:
    """Answer these summary fields, whatever the paper."""

    fields: dict

    def respond(self, stub: OpenAIStub, body: dict) -> tuple[int, dict, dict]:
        return 200, {}, _completion(body, json.dumps(self.fields))


@dataclass(frozen=True)
class Garbage:
    def respond(self, stub: OpenAIStub, body: dict) -> tuple[int, dict, dict]:
        return 200, {}, _completion(body, "Sure! Here is a summary: it is a good paper.")


@dataclass(frozen=True)
class Gate:
    """Hold every answer until `count` requests have been in flight at once (or `deadline`
    seconds pass), then answer: proves calls run in parallel without timing anything. The peak
    never falls, so once reached the gate stays open."""

    count: int
    deadline: float = 10.0

    def respond(self, stub: OpenAIStub, body: dict) -> tuple[int, dict, dict]:
        with stub.in_flight_changed:
            stub.in_flight_changed.wait_for(lambda: stub.peak_in_flight >= self.count or
                                            stub.stopping.is_set(), self.deadline)
        return Answer().respond(stub, body)


@dataclass(frozen=True)
class Hang:
    def respond(self, stub: OpenAIStub, body: dict) -> tuple[int, dict, dict]:
        stub.stopping.wait()
        return 503, {}, {"error": {"message": "stub stopped"}}


class OpenAIStub(LoopbackServer):
    def __init__(self, default=Answer()):
        self.default = default
        self.calls: list[RecordedCall] = []
        self.stopping = threading.Event()
        self.in_flight = self.peak_in_flight = 0
        self._script: list = []
        self._lock = threading.Lock()
        self.in_flight_changed = threading.Condition(self._lock)
        super().__init__(_handler_for(self))

    @property
    def url(self) -> str:
        return f"{self.origin}/v1"

    def stop(self) -> None:
        self.stopping.set()  # releases hanging, gated and slow answers first
        with self.in_flight_changed:
            self.in_flight_changed.notify_all()
        super().stop()

    def script(self, *behaviours) -> None:
        """Behave so for the next calls, in order; then as `default`."""
        with self._lock:
            self._script.extend(behaviours)

    def calls_to(self, model: str) -> int:
        return sum(call.model == model for call in self.calls)

    def answer(self, raw: bytes) -> tuple[int, dict, dict]:
        body = json.loads(raw)
        call = RecordedCall(body.get("model"), body.get("messages"), body.get("response_format"))
        with self._lock:
            self.calls.append(call)
            behaviour = self._script.pop(0) if self._script else self.default
            self.in_flight += 1
            self.peak_in_flight = max(self.peak_in_flight, self.in_flight)
            self.in_flight_changed.notify_all()
        try:
            call.status, headers, payload = behaviour.respond(self, body)
        finally:
            with self._lock:
                self.in_flight -= 1
        return call.status, headers, payload


def summary_for(messages: list[dict]) -> dict:
    """A valid summary of the paper the prompt carries (read back from the prompt's own text)."""
    prompt = "\n".join(m["content"] for m in messages if isinstance(m.get("content"), str))
    paper = json.loads(prompt.rsplit("PAPER (JSON):", 1)[1].strip().splitlines()[0])
    topics = json.loads(re.search(r"Allowed topics: (\[.*?\])\n", prompt).group(1))
    language = re.search(r"Write in (\w+)", prompt).group(1)
    title = paper["title"]
    return {"tldr": f"[{language}] {title} in one sentence.",
            "highlights": [f"{title}: point {n}." for n in (1, 2, 3)],
            "summary": f"A summary of {title}.", "methodology": "The method.",
            "results": "The results.", "implications": "The implications.",
            "topics": topics[:1]}


def _completion(body: dict, content: str) -> dict:
    prompt_chars = sum(len(str(m.get("content"))) for m in body["messages"])
    usage = {"prompt_tokens": prompt_chars // 4, "completion_tokens": len(content) // 4}
    usage["total_tokens"] = usage["prompt_tokens"] + usage["completion_tokens"]
    return {"id": "chatcmpl-stub", "object": "chat.completion", "created": int(time.time()),
            "model": body.get("model"), "usage": usage,
            "choices": [{"index": 0, "finish_reason": "stop",
                         "message": {"role": "assistant", "content": content}}]}


def _handler_for(stub: OpenAIStub) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # keep-alive, as the OpenAI SDK's connection pool expects
        disable_nagle_algorithm = True  # headers and body go in two writes: no 40 ms stall

        def do_POST(self):
            raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            if self.path != PATH:
                status, headers, body = 404, {}, {"error": {"message": "not found"}}
            else:
                status, headers, body = stub.answer(raw)
            try:
                send_json(self, status, headers, body)
            except OSError:
                pass  # the client gave up (a timeout): nobody is listening any more

        def log_message(self, format, *args):
            pass  # keep test output clean

    return Handler
