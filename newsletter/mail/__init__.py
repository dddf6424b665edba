"""Sending email: one Mailer protocol, one module per transport.

Transports are chosen from Settings by `newsletter.mail.transports.build_mailer`, nowhere else.
"""

from __future__ import annotations

from typing import Protocol

from newsletter.mail.message import OutgoingMessage, to_mime


class MailError(Exception):
    """A message could not be sent.

    `permanent=True` means the address or message was rejected and retrying cannot help, so
    callers stop retrying; otherwise the failure is transient (network, 429, 5xx).
    """

    def __init__(self, reason: str, *, permanent: bool = False):
        super().__init__(reason)
        self.permanent = permanent


class Mailer(Protocol):
    def send(self, message: OutgoingMessage) -> str:
        """Send one message; return the provider's message id. Raises MailError."""
        ...


__all__ = ["MailError", "Mailer", "OutgoingMessage", "to_mime"]
