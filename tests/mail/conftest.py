"""Shared cast for the mail tests: one digest-like message and the two stand-in servers."""

from __future__ import annotations

import pytest

from newsletter.mail.message import OutgoingMessage
from tests.stubs.smtp_server import SmtpServer

UNSUBSCRIBE = "<https://news.example.org/unsubscribe/tok123>, <mailto:unsubscribe@news.example.org>"


@pytest.fixture
def digest_message() -> OutgoingMessage:
    return OutgoingMessage(
        to="ada@example.com",
        from_email="Paper Digest <digest@news.example.org>",
        subject="Today in ML: 5 papers on Large Language Models",
        text="Hello Ada,\n\n1. Attention is still all you need\n",
        html="<p>Hello Ada,</p><ol><li>Attention is still all you need</li></ol>",
        reply_to="editors@news.example.org",
        headers={
            "List-Unsubscribe": UNSUBSCRIBE,
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            "List-Id": "Paper Digest <digest.news.example.org>",
        },
        tags={"edition_id": "42", "delivery_id": "4242"},
    )


@pytest.fixture
def smtp_server():
    with SmtpServer() as server:
        yield server
