"""The emails of the newsletter: `render(name, context)` -> RenderedEmail(subject, text, html).

A leaf library: it imports nothing from the project. Each email is a folder under templates/
(subject.txt.j2, body.txt.j2, body.mjml.j2) sharing _layout.mjml.j2 and _footer.txt.j2; the
digest's papers are parts of their own (digest/paper.mjml.j2, digest/paper.txt.j2).
HTML is escaped, plain text is written for reading, and a missing context key raises
jinja2.UndefinedError. `fit_digest(context)` renders a digest whose HTML, quoted-printable
encoded (`html_size`), stays under GMAIL_SAFE_BYTES so Gmail does not clip its footer; its
plain-text part keeps every paper. A sender of many digests passes one `PaperParts` to either
(`parts=`): each paper's part is rendered once for all the digests that show it alike, and
the emails are the same. HTML is 600 px wide, loads no fonts, images or trackers, and has a
dark palette for clients that honour prefers-color-scheme.

Context contract (all URLs absolute http(s); render raises ValueError otherwise):

Every email:
    site_name: str; base_url: str; recipient: str (the address);
    postal_address: str; reason: str (one sentence: why you get this email);
    preferences_url, unsubscribe_url: str (None allowed on "confirmation" only).

"digest":
    date: datetime.date; edition_url: str ("view in browser");
    paper_count: int; topic_count: int;
    sections: [{"topic": str, "anchor": str, "papers": [paper, ...]}, ...];
    overflow: [{"title": str, "url": str}, ...] (listed as links only; may be empty);
    overflow_note: str | None;
    more_matched: int (papers of the reader's topics past their limit: said once, with
    more_url: str, where to read them);

    lang: str (optional, default "en": the language the summaries are in, the email's `lang`);
    language_note: str | None (optional: told once at the top, e.g. why they are in English);
    paper: {"title", "url" (abstract page), "pdf_url", "code_url", "hf_url", "project_url"
            (str | None), "authors": [str], "organization": str | None,
            "upvotes": int | None, "github_stars": int | None, "tldr": str,
            "tldr_credit": str | None (optional: who wrote the TL;DR when it is not the
            summary's own, shown beside it, e.g. "TL;DR: Hugging Face"),
            "highlights": [str], "topics": [str], "degraded": bool (extractive summary: the
            email says so once),
            "reason": str | None (one line: why this reader gets this paper),
            "more_url", "less_url": str | None ("more / less like this" feedback links,
            shown only when both are http(s))}.
"confirmation": confirm_url: str; topics: [str] (empty = all topics); expires_days: int.
"welcome": when: str (a sentence: when the digests come); topics: [str]; archive_url: str
    (preferences_url as above).
"preferences_updated": changes: [{"field": str, "before": str, "after": str}, ...].
"goodbye": resubscribe_url: str.
"""

from emails.paper_parts import PaperParts
from emails.rendering import TEMPLATE_NAMES, RenderedEmail, render
from emails.size_limit import GMAIL_SAFE_BYTES, fit_digest, html_size

__all__ = [
    "GMAIL_SAFE_BYTES",
    "TEMPLATE_NAMES",
    "PaperParts",
    "RenderedEmail",
    "fit_digest",
    "html_size",
    "render",
]
