"""The outbox read back as a mail client would: one .eml file per message."""

from __future__ import annotations

import email
import email.policy
import re
from collections import Counter
from email.message import EmailMessage
from pathlib import Path


def emails_in(folder: str | Path) -> list[EmailMessage]:
    """Every message in the outbox, oldest first."""
    files = sorted(Path(folder).glob("*.eml"), key=lambda f: f.stat().st_mtime_ns)
    return [email.message_from_bytes(f.read_bytes(), policy=email.policy.default) for f in files]


def read_outbox(folder: str | Path) -> dict[str, EmailMessage]:
    """The message of each recipient; fails when one got two."""
    messages = {}
    for message in emails_in(folder):
        assert message["To"] not in messages, "a subscriber got two emails"
        messages[message["To"]] = message
    return messages


def count_by_recipient(folder: str | Path) -> Counter:
    """How many emails each address has in the outbox."""
    return Counter(message["To"] for message in emails_in(folder))


def parts(message: EmailMessage) -> tuple[str, str]:
    """The plain-text and the HTML part."""
    return (message.get_body(("plain",)).get_content(), message.get_body(("html",)).get_content())


def link_in(message: EmailMessage, base: str, kind: str) -> str | None:
    """The first {base}/`kind`/<token> link of the message's plain-text part, if any."""
    found = re.search(rf"{re.escape(base)}/{kind}/[A-Za-z0-9_.\-]+",
                      message.get_body(("plain",)).get_content())
    return found.group(0) if found else None
