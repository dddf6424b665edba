"""SendGrid v3 Mail Send request bodies, pure: what to send and how to split it within the limits.

Bodies are JSON bytes, as they go on the wire: a batch's shared part is encoded once per batch
and each reader's personalization once, by `personalization_json` (json.dumps' own string
escaping, without building the dicts; maybe ahead, in another process:
`write_personalizations`), so a request's size is known exactly by adding lengths.

Limits from SendGrid's Mail Send documentation and its error list: at most 1,000
personalizations and 1,000 recipients per request, each address once per request, custom args
and substitutions at most 10,000 bytes per personalization, and a total message size under
30 MB, for which we keep a 20 MB margin per request.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping, Sequence
from email.utils import parseaddr
from json.encoder import encode_basestring_ascii

from newsletter.mail.batch import (
    PersonalizedBatch,
    Recipient,
    RecipientResult,
    recipient_address_problem,
)
from newsletter.mail.message import OutgoingMessage

MAX_PERSONALIZATIONS = 1_000
MAX_CUSTOM_ARGS_BYTES = 10_000
MAX_SUBSTITUTIONS_BYTES = 10_000
MAX_REQUEST_BYTES = 20_000_000
_PLAIN_ADDRESS = re.compile(r"[^\s<>()\[\]\\,;:\"@]+@[^\s<>()\[\]\\,;:\"@]+")

# SendGrid answers 400 when `headers` holds one of these: it writes them itself, from the
# structured fields (from, reply_to, subject, personalizations) or from its own pipeline.
RESERVED_HEADERS = frozenset(
    {
        "x-sg-id", "x-sg-eid", "received", "dkim-signature", "content-type",
        "content-transfer-encoding", "to", "from", "subject", "reply-to", "cc", "bcc",
    }
)  # fmt: skip


def address(value: str) -> dict[str, str]:
    """`"Name <a@b>"` or `"a@b"` as SendGrid's email object."""
    if _PLAIN_ADDRESS.fullmatch(value):  # most recipients are bare addresses: skip the parser
        return {"email": value}
    name, email = parseaddr(value)
    return {"email": email, "name": name} if name else {"email": email}


def custom_headers(headers: Mapping[str, str]) -> dict[str, str]:
    """The headers SendGrid accepts in `headers`; the reserved ones travel as fields instead."""
    return {
        name: str(value) for name, value in headers.items() if name.lower() not in RESERVED_HEADERS
    }


def _message_id_header(message_id: str | None) -> dict[str, str]:
    """Our own Message-ID, when we set one (SendGrid writes one otherwise)."""
    return {"Message-ID": message_id} if message_id else {}


def reply_to(explicit: str | None, headers: Mapping[str, str]) -> str | None:
    """The Reply-To address, taken from the headers when not given as a field."""
    from_headers = (value for name, value in headers.items() if name.lower() == "reply-to")
    return explicit or next(from_headers, None)


def _shared_fields(from_email: str, subject: str, text: str, html: str, reply: str | None) -> dict:
    fields = {
        "from": address(from_email),
        "subject": subject,
        "content": [{"type": "text/plain", "value": text}, {"type": "text/html", "value": html}],
    }
    if reply:
        fields["reply_to"] = address(reply)
    return fields


def _non_empty(**fields) -> dict:
    # SendGrid rejects some empty objects and arrays; leaving them out means the same.
    return {name: value for name, value in fields.items() if value}


def message_payload(message: OutgoingMessage, categories: Sequence[str] = ()) -> dict:
    """The request body for one message; `message.tags` become custom args."""
    headers = custom_headers(message.headers) | _message_id_header(message.message_id)
    return {"personalizations": [{"to": [address(message.to)]}]} | _shell(
        message, headers, dict(message.tags), categories)


def personalization(recipient: Recipient) -> dict:
    """One recipient's envelope: its address, substitution values, headers and custom args."""
    return {"to": [address(recipient.email)]} | _non_empty(
        substitutions=dict(recipient.substitutions),
        headers=custom_headers(recipient.headers) | _message_id_header(recipient.message_id),
        custom_args=dict(recipient.custom_args),
    )


def batch_shell(batch: PersonalizedBatch) -> dict:
    """Everything in a batch request but its personalizations."""
    return _shell(batch, custom_headers(batch.headers), dict(batch.custom_args), batch.categories)


def _shell(item: OutgoingMessage | PersonalizedBatch, headers: dict, custom_args: dict,
           categories: Sequence[str]) -> dict:
    """What a one-message request and a batch request both carry: sender, subject, bodies,
    reply-to, and these headers, custom args and categories."""
    return _shared_fields(item.from_email, item.subject, item.text, item.html,
                          reply_to(item.reply_to, item.headers)) | _non_empty(
        headers=headers, custom_args=custom_args, categories=list(categories))


def _json_size(value) -> int:
    return len(json.dumps(value).encode())


def json_body(payload: dict) -> bytes:
    """A request body as it is sent: JSON, every non-ASCII character escaped (as the SDK
    encodes it), so its length in bytes is its length in characters."""
    return json.dumps(payload).encode("ascii")


def _object_json(values: Mapping) -> str:
    """json.dumps(values) for a mapping of strings, written without the encoder's setup, which
    costs more than these few items; any other mapping goes to json.dumps."""
    try:
        return "{" + ", ".join([f"{encode_basestring_ascii(name)}: "
                                f"{encode_basestring_ascii(value)}"
                                for name, value in values.items()]) + "}"
    except TypeError:  # a key or value that is not a string
        return json.dumps(values)


def personalization_json(recipient: Recipient) -> str:
    """json.dumps(personalization(recipient)), character for character, at a fraction of its
    cost: a run encodes one for every reader."""
    to = _object_json(address(recipient.email))
    fields = [f'"to": [{to}]']
    headers = custom_headers(recipient.headers) | _message_id_header(recipient.message_id)
    for name, values in (("substitutions", recipient.substitutions), ("headers", headers),
                         ("custom_args", recipient.custom_args)):
        if values:
            fields.append(f'"{name}": {_object_json(values)}')
    return "{" + ", ".join(fields) + "}"


def write_personalizations(recipients: list[Recipient]) -> list[Recipient]:
    """These recipients, each with its `personalization_json` kept in `personalization`, which
    `batch_requests` sends as it is: a run writes them as it makes a batch's recipients (in its
    send process, `delivery.sending`), while the previous request is out."""
    for recipient in recipients:
        recipient.personalization = personalization_json(recipient)
    return recipients


def _fits(values: Mapping, limit: int) -> bool:
    """Whether `values` takes at most `limit` bytes as JSON. A bound first, as it costs far less
    than encoding: json.dumps writes a character in at most 12 bytes (an escaped surrogate
    pair) and adds 8 around each item (quotes, colon, comma, spaces); the exact size only when
    the bound is over the limit or the values are not all strings."""
    if all(isinstance(key, str) and isinstance(value, str) for key, value in values.items()):
        bound = 2 + sum(12 * (len(key) + len(value)) + 8 for key, value in values.items())
        if bound <= limit:
            return True
    return _json_size(values) <= limit


def recipient_problem(batch: PersonalizedBatch, recipient: Recipient) -> str | None:
    """Why SendGrid would refuse this recipient's personalization, or None."""
    problem = recipient_address_problem(batch, recipient)
    if problem:
        return problem
    if not _fits(batch.custom_args | recipient.custom_args, MAX_CUSTOM_ARGS_BYTES):
        return f"custom_args exceed {MAX_CUSTOM_ARGS_BYTES} bytes"
    if not _fits(recipient.substitutions, MAX_SUBSTITUTIONS_BYTES):
        return f"substitutions exceed {MAX_SUBSTITUTIONS_BYTES} bytes"
    return None


def partition(batch: PersonalizedBatch) -> tuple[list[Recipient], list[RecipientResult]]:
    """Split recipients into sendable ones and permanent failures (invalid, too big, repeated)."""
    sendable, refused, seen = [], [], set()
    for recipient in batch.recipients:
        problem = recipient_problem(batch, recipient)
        if problem is None and recipient.email.lower() in seen:
            problem = "address appears more than once in the batch"
        if problem:
            refused.append(RecipientResult(recipient.email, error=problem, permanent=True))
        else:
            seen.add(recipient.email.lower())
            sendable.append(recipient)
    return sendable, refused


def batch_requests(
    batch: PersonalizedBatch,
    recipients: Sequence[Recipient],
    max_personalizations: int = MAX_PERSONALIZATIONS,
    max_bytes: int = MAX_REQUEST_BYTES,
) -> Iterator[tuple[list[Recipient], bytes]]:
    """Yield (recipients, request body) pairs, each within the count and size limits."""
    # the shared part once; the personalizations go in front of its fields
    head, tail = '{"personalizations": [', "], " + json_body(batch_shell(batch)).decode()[1:]
    empty_size = len(head) + len(tail)
    chunk: list[Recipient] = []
    envelopes: list[str] = []
    size = empty_size
    for recipient in recipients:
        envelope = recipient.personalization or personalization_json(recipient)
        envelope_size = len(envelope) + 2  # the comma and space between array items
        if chunk and (len(chunk) == max_personalizations or size + envelope_size > max_bytes):
            yield chunk, _request(head, envelopes, tail)
            chunk, envelopes, size = [], [], empty_size
        chunk.append(recipient)
        envelopes.append(envelope)
        size += envelope_size
    if chunk:
        yield chunk, _request(head, envelopes, tail)


def _request(head: str, envelopes: list[str], tail: str) -> bytes:
    return f"{head}{', '.join(envelopes)}{tail}".encode("ascii")
