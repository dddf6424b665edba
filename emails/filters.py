"""Pure helpers the templates use: formatting of authors, numbers, dates, links and wrapped text.

They live in Python rather than in Jinja so the HTML and the plain-text part share one definition.
"""

import datetime
import textwrap
from functools import lru_cache
from urllib.parse import urlsplit

# English names on purpose: strftime("%a") follows the process locale, and the subject must not.
_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")

_PAPER_LINKS = (
    ("Abstract", "url"),
    ("PDF", "pdf_url"),
    ("Code", "code_url"),
    ("Hugging Face", "hf_url"),
    ("Project page", "project_url"),
)


def is_http_url(value: object) -> bool:
    """True for an absolute http(s) URL with a host; javascript:, relative and others are not."""
    return isinstance(value, str) and _is_http_url(str(value))


# A run renders the same papers' links into many digests: each URL is checked once.
@lru_cache(maxsize=4096)
def _is_http_url(value: str) -> bool:
    parts = urlsplit(value)
    return parts.scheme in ("http", "https") and bool(parts.netloc)


def long_date(day: datetime.date) -> str:
    """'Mon 23 Nov 2026', whatever the locale."""
    return f"{_DAYS[day.weekday()]} {day.day} {_MONTHS[day.month - 1]} {day.year}"


def short_authors(authors: list[str], keep: int = 3) -> str:
    """'A, B, C' for up to `keep` authors, 'A, B, C et al.' past that."""
    shown = ", ".join(authors[:keep])
    return f"{shown} et al." if len(authors) > keep else shown


def compact_number(value: int) -> str:
    """950 -> '950', 1234 -> '1.2k', 25300 -> '25k', 1_200_000 -> '1.2M'."""
    for size, suffix in ((1_000_000, "M"), (1_000, "k")):
        if value >= size:
            scaled = value / size
            text = f"{scaled:.1f}" if scaled < 10 else f"{scaled:.0f}"
            return text.removesuffix(".0") + suffix
    return str(value)


def describe_topics(topics: list[str]) -> str:
    """'NLP, Robotics', or 'all topics' for an empty list (which means no filter)."""
    return ", ".join(topics) if topics else "all topics"


def paper_links(paper: dict) -> list[tuple[str, str]]:
    """(label, url) for each link a paper has; a missing or non-http(s) URL is left out."""
    return [(label, paper[key]) for label, key in _PAPER_LINKS if is_http_url(paper.get(key))]


def highlights_besides_tldr(paper: dict) -> list[str]:
    """The highlights that do not repeat the TL;DR (extractive summaries often reuse a sentence)."""
    tldr = " ".join(paper["tldr"].split()).casefold()
    return [h for h in paper["highlights"] if " ".join(h.split()).casefold() != tldr]


def digest_preheader(sections: list[dict], paper_count: int) -> str:
    """The inbox preview line: the first paper's title, then how many more and in which topics.

    The subject already gives the count and the date, so the preview spends its few visible
    characters on what is worth opening the email for.
    """
    topics = ", ".join(section["topic"] for section in sections)
    shown = [paper for section in sections for paper in section["papers"]]
    if not shown:
        return f"{paper_count} new paper{'s' if paper_count != 1 else ''}"
    if paper_count == 1:
        return f"{shown[0]['title']} ({topics})"
    more = paper_count - 1
    return f"{shown[0]['title']}, and {more} more paper{'s' if more != 1 else ''} in {topics}"


def extractive_summaries(sections: list[dict]) -> str | None:
    """"all" when every paper's summary is extractive (taken from its abstract), "some" when
    only some are, None when none is: the digest says it once, not under every paper."""
    flags = [paper["degraded"] for section in sections for paper in section["papers"]]
    if not any(flags):
        return None
    return "all" if all(flags) else "some"


def extractive_note(extractive: str) -> str:
    """The digest's one note about extractive summaries (`extractive_summaries`'s answer)."""
    if extractive == "all":
        return "Extractive summaries: taken from each abstract, not written by the model."
    return "Summaries marked extractive are taken from the abstract, not written by the model."


def paper_signals(paper: dict) -> list[str]:
    """'42 upvotes', '7 comments', '1.2k GitHub stars': the popularity signals a paper has, in that order."""
    signals = []
    if paper.get("upvotes") is not None:
        signals.append(f"{compact_number(paper['upvotes'])} upvotes")
    if paper.get("comments") is not None:
        signals.append(f"{compact_number(paper['comments'])} comments")
    if paper.get("github_stars") is not None:
        signals.append(f"{compact_number(paper['github_stars'])} GitHub stars")
    return signals


def footer_links(preferences_url, unsubscribe_url, edition_url=None) -> list[tuple[str, str]]:
    """(label, url) for the footer, skipping the links this email does not have (None)."""
    links = (
        ("Manage preferences", preferences_url),
        ("Unsubscribe", unsubscribe_url),
        ("View in browser", edition_url),
    )
    return [(label, url) for label, url in links if url is not None]


def wrap(text: str, width: int = 78, indent: str = "", first: str | None = None) -> str:
    """Fill `text` to `width` columns for the plain-text part.

    Every line after the first starts with `indent`; the first starts with `first` (default:
    `indent`). Long words such as URLs are never broken, so they stay clickable.
    """
    return _fill(str(text), width, indent, indent if first is None else first)


# A run renders the same papers' titles and summaries into many digests: each is wrapped once.
@lru_cache(maxsize=4096)
def _fill(text: str, width: int, indent: str, first: str) -> str:
    return textwrap.fill(
        " ".join(text.split()),
        width=width,
        initial_indent=first,
        subsequent_indent=indent,
        break_long_words=False,
        break_on_hyphens=False,
    )
