"""The message every transport sends, and its RFC 5322 form."""

from __future__ import annotations

from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import formatdate, make_msgid


@dataclass
class OutgoingMessage:
    """One email to one recipient, transport-neutral.

    `headers` carries the list headers (List-Unsubscribe, List-Unsubscribe-Post, List-Id) and
    anything else a transport must pass through; `tags` carries ids that providers can echo back
    in their events (edition, delivery), never shown to the reader.
    """

    to: str
    from_email: str
    subject: str
    text: str
    html: str
    reply_to: str | None = None
    headers: dict[str, str] = field(default_factory=dict)
    tags: dict[str, str] = field(default_factory=dict)
    message_id: str | None = None


def to_mime(message: OutgoingMessage) -> EmailMessage:
    """Build the multipart/alternative (text, then HTML) RFC 5322 message."""
    mime = EmailMessage()
    mime["From"] = message.from_email
    mime["To"] = message.to
    mime["Subject"] = message.subject
    mime["Date"] = formatdate(localtime=False, usegmt=True)
    domain = message.from_email.rpartition("@")[2].strip(">") or None
    mime["Message-ID"] = message.message_id or make_msgid(domain=domain)
    if message.reply_to:
        mime["Reply-To"] = message.reply_to
    for name, value in message.headers.items():
        mime[name] = value
    mime.set_content(message.text)
    mime.add_alternative(message.html, subtype="html")
    return mime
