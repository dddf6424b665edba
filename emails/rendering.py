"""Render one email from its template folder: Jinja2 -> subject, plain text, and MJML -> HTML."""

from dataclasses import dataclass

import jinja2
import mjml
from markupsafe import Markup

from emails import filters
from emails.paper_parts import PaperParts, render_part

TEMPLATE_NAMES = ("digest", "confirmation", "welcome", "preferences_updated", "goodbye")

# The confirmation email goes to someone not yet subscribed: nothing to manage or leave yet.
_NULLABLE_URLS = {"confirmation": {"preferences_url", "unsubscribe_url"}}


@dataclass(frozen=True)
class RenderedEmail:
    subject: str
    text: str
    html: str


def _environment() -> jinja2.Environment:
    # Autoescape follows the file name: on for *.mjml.j2, off for *.txt.j2 (plain text is not HTML).
    # StrictUndefined turns a missing context key into an error instead of a silent blank.
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("emails", "templates"),
        autoescape=jinja2.select_autoescape(enabled_extensions=("mjml.j2",), default=False),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        # The templates are package files that do not change while a process runs: no stat()
        # of each one at every get_template (a digest asks for its paper parts' 50 times).
        auto_reload=False,
    )
    env.filters.update(
        describe_topics=filters.describe_topics,
        extractive_note=filters.extractive_note,
        extractive_summaries=filters.extractive_summaries,
        highlights_besides_tldr=filters.highlights_besides_tldr,
        long_date=filters.long_date,
        short_authors=filters.short_authors,
        paper_links=filters.paper_links,
        paper_signals=filters.paper_signals,
        wrap=filters.wrap,
    )
    env.tests["http_url"] = filters.is_http_url
    env.globals["footer_links"] = filters.footer_links
    env.globals["digest_preheader"] = filters.digest_preheader
    return env


_ENV = _environment()


def check_urls(name: str, context: dict) -> None:
    """Raise ValueError unless every top-level `*_url` is an absolute http(s) URL.

    A relative or javascript: URL would be a broken or dangerous link in every inbox, so it fails
    here, before sending. Only the confirmation email may leave preferences/unsubscribe at None.
    """
    nullable = _NULLABLE_URLS.get(name, set())
    for key, value in context.items():
        allowed_none = value is None and key in nullable
        if key.endswith("_url") and not allowed_none and not filters.is_http_url(value):
            raise ValueError(f"{name}: {key} must be an absolute http(s) URL, got {value!r}")


def render(name: str, context: dict, parts: PaperParts | None = None) -> RenderedEmail:
    """Render the email `name` (one of TEMPLATE_NAMES) with `context` (see the emails docstring).

    Context values are data: they are escaped in HTML and never compiled as templates.
    Raises jinja2.UndefinedError when a key is missing, ValueError for a bad URL, and
    jinja2.TemplateNotFound for an unknown name. With `parts` (kept across digests), a digest
    reuses the papers' parts rendered for earlier ones: the same email, rendered faster.
    """
    if name not in TEMPLATE_NAMES:
        raise jinja2.TemplateNotFound(name)
    check_urls(name, context)
    subject = _ENV.get_template(f"{name}/subject.txt.j2").render(context)
    text = _ENV.get_template(f"{name}/body.txt.j2").render(context,
                                                            paper_part=_paper_part(parts))
    # fonts={} drops MJML's default Google Fonts: no external requests when the email is opened.
    html = mjml.mjml2html(mjml_source(name, context, parts), disable_comments=True, fonts={})
    return RenderedEmail(subject=" ".join(subject.split()), text=text, html=html)


def mjml_source(name: str, context: dict, parts: PaperParts | None = None) -> str:
    """The MJML that `render` compiles into the email's HTML part (the context unchecked)."""
    return _ENV.get_template(f"{name}/body.mjml.j2").render(context,
                                                            paper_part=_paper_part(parts))


def _paper_part(parts: PaperParts | None):
    """The templates' `paper_part(template_name, **values)`: a paper's part of a digest, kept in
    `parts` when given."""
    def paper_part(template_name: str, **values) -> Markup:
        template = _ENV.get_template(template_name)
        return render_part(template, values) if parts is None else parts.render(template, values)

    return paper_part
