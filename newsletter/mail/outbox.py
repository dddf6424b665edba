"""The outbox transport: one RFC 5322 `.eml` file per message in a folder."""

from __future__ import annotations

import os
import re
from pathlib import Path

from newsletter.mail.message import OutgoingMessage, to_mime


class OutboxMailer:
    """Writes each message to `<folder>/<message-id>.eml`, atomically (temp file, then rename)."""

    def __init__(self, folder: str | Path):
        self.folder = Path(folder)

    def send(self, message: OutgoingMessage) -> str:
        self.folder.mkdir(parents=True, exist_ok=True)
        mime = to_mime(message)
        message_id = mime["Message-ID"]
        name = re.sub(r"[^A-Za-z0-9._-]", "_", message_id.strip("<>")) + ".eml"
        temporary = self.folder / f".{name}.tmp"
        temporary.write_bytes(mime.as_bytes())
        os.replace(temporary, self.folder / name)
        return message_id
