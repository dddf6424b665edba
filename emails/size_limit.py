"""Keep a digest under Gmail's clipping size by turning its last papers into plain links."""

import binascii
from dataclasses import replace

from emails.paper_parts import PaperParts
from emails.rendering import RenderedEmail, render

# Gmail clips an HTML part past ~102 KB, and the clipped tail holds the unsubscribe link.
GMAIL_SAFE_BYTES = 100_000


# The bytes quoted-printable writes as three ("=XX"): all but the printable ASCII (less "="),
# the space, the tab and the line breaks. Whitespace that ends a line, and a "." alone at the
# start of one, are escaped too: at most once a line.
_PLAIN = bytes(range(33, 127)).replace(b"=", b"") + b" \t\r\n"
MAX_LINE = 76  # quoted-printable's longest line; a soft break ("=" and a newline) ends a longer


def fits(email: RenderedEmail, limit_bytes: int) -> bool:
    """Whether `html_size(email)` <= limit_bytes. Counting what quoted-printable adds to the raw
    UTF-8 bounds the size about 25 times faster than encoding it; the HTML is encoded only when
    that bound is above the limit and its raw size is not."""
    raw = email.html.encode("utf-8")
    if len(raw) > limit_bytes:
        return False
    escaped = len(raw.translate(None, _PLAIN))
    lines = raw.count(b"\n") + 1
    content = len(raw) + 2 * escaped + 4 * lines
    # each soft break follows at least MAX_LINE - 3 characters of a line
    if content + 2 * (content // (MAX_LINE - 3) + 1) <= limit_bytes:
        return True
    return html_size(email) <= limit_bytes


def html_size(email: RenderedEmail) -> int:
    """Bytes of the HTML part as it travels: quoted-printable, never fewer than the raw UTF-8.

    MJML writes lines longer than SMTP allows, so Python's email package sends the part
    quoted-printable (about 6% larger), and measurements of Gmail's limit disagree on whether it
    counts encoded or decoded bytes: the encoded size satisfies both readings.
    """
    return len(binascii.b2a_qp(email.html.encode("utf-8")))


def _keep_papers(context: dict, keep: int) -> dict:
    """A copy of a digest context with only the first `keep` papers in full, the rest as links.

    Moved papers come first in `overflow`, before any links it already held; sections left
    without papers are dropped so the table of contents only names what the email shows.
    """
    sections, moved, seen = [], [], 0
    for section in context["sections"]:
        full = section["papers"][: max(keep - seen, 0)]
        moved += [{"title": p["title"], "url": p["url"]} for p in section["papers"][len(full) :]]
        seen += len(section["papers"])
        if full:
            sections.append({**section, "papers": full})
    if not moved:
        return context
    note = (
        "1 more paper is listed as a link to keep this email small."
        if len(moved) == 1
        else f"{len(moved)} more papers are listed as links to keep this email small."
    )
    if context["overflow_note"]:
        note = f"{context['overflow_note']} {note}"
    return {
        **context,
        "sections": sections,
        "overflow": moved + context["overflow"],
        "overflow_note": note,
    }


def fit_digest(
    context: dict, render_fn=render, limit_bytes: int = GMAIL_SAFE_BYTES,
    parts: PaperParts | None = None,
) -> RenderedEmail:
    """Render the digest with as many full papers as fit in `limit_bytes` of HTML.

    Papers move from the end of the list into `overflow` (links only) with an explanatory
    `overflow_note`; the footer is always kept. Only the HTML is clipped by Gmail, so the
    plain-text part always keeps every paper in full. Bisects on the number of full papers, so it
    renders about log2(papers) + 1 times. If even zero full papers do not fit, returns that
    smallest rendering: the caller sends it rather than dropping the digest. `parts`: the
    papers' parts kept across the digests of a run (see `render`).
    """
    email = render_fn("digest", context, parts)
    if fits(email, limit_bytes):
        return email
    # Invariant: keeping `low` papers fits (-1: nothing known to fit), keeping `high` does not.
    low, high = -1, sum(len(section["papers"]) for section in context["sections"])
    best, smallest = None, email
    while high - low > 1:
        keep = (low + high) // 2
        candidate = render_fn("digest", _keep_papers(context, keep), parts)
        if fits(candidate, limit_bytes):
            low, best = keep, candidate
        else:
            high, smallest = keep, candidate
    # When nothing fits, the last failure was keep == 0 (or the full email when it has no papers).
    return replace(best if best is not None else smallest, text=email.text)
