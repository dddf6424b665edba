"""Hugging Face Daily Papers (https://huggingface.co/api/daily_papers?date=YYYY-MM-DD).

The API answers a JSON list; each item holds the paper under "paper" (id = the arXiv id, title,
summary, authors [{name}], upvotes, publishedAt, githubRepo, githubStars, projectPage,
organization, submittedOnDailyAt = the day it entered Daily Papers, ai_summary = a language
model's one-line summary, ai_keywords = its keywords; the last two come some hours after a
paper is listed) and the daily listing's own
fields at the top level (title, summary, numComments, submittedBy, organization, thumbnail, and
publishedAt, which since 2025 is the arXiv date again, not the day on the page).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from newsletter.sources.feedxml import clean
from newsletter.sources.ids import arxiv_links, is_arxiv_id, split_version
from newsletter.sources.records import PaperRecord, ParseError

API_URL = "https://huggingface.co/api/daily_papers"
PAPER_PAGE = "https://huggingface.co/papers/{id}"
# Items a page (`limit`): the most the API serves in one answer.
PAGE_SIZE = 100


def parse(data: bytes) -> list[PaperRecord]:
    """Records of one Daily Papers response, in the API's order.

    Raises ParseError when the body is not UTF-8 JSON, is an error object rather than a list,
    or an item has no paper id.
    """
    items = _load_list(data)
    return [_record(index, item) for index, item in enumerate(items)]


def page_urls(
    base_url: str = API_URL,
    date: dt.date | None = None,
    limit: int = PAGE_SIZE,
    max_pages: int = 20,
) -> Iterator[str]:
    """URLs of successive pages (`p` = 0, 1, ...; `limit` items each) of one day's listing.

    The API does not say how many pages there are: stop at the first page with fewer than
    `limit` items. `base_url` may carry its own query (e.g. a date), which is kept.
    """
    scheme, netloc, path, query, _ = urlsplit(base_url)
    params = dict(parse_qsl(query))
    if date is not None:
        params["date"] = date.isoformat()
    for page in range(max_pages):
        params.update(p=str(page), limit=str(limit))
        yield urlunsplit((scheme, netloc, path, urlencode(params), ""))


def _load_list(data: bytes) -> list:
    try:
        payload = json.loads(bytes(data).decode("utf-8"))
    except UnicodeDecodeError as error:
        raise ParseError(f"Daily Papers body is not UTF-8: {error}") from error
    except json.JSONDecodeError as error:
        raise ParseError(
            f"Daily Papers body is not JSON ({error}): {bytes(data[:80])!r}"
        ) from error
    if isinstance(payload, dict) and "error" in payload:
        raise ParseError(f"Daily Papers answered an error: {payload['error']}")
    if not isinstance(payload, list):
        raise ParseError(f"Daily Papers body is a JSON {type(payload).__name__}, not a list")
    return payload


def _record(index: int, item: object) -> PaperRecord:
    paper = item.get("paper") if isinstance(item, dict) else None
    paper_id = paper.get("id") if isinstance(paper, dict) else None
    if not isinstance(paper_id, str) or not paper_id.strip():
        raise ParseError(f"Daily Papers item {index} has no paper.id")
    arxiv_id, version = split_version(paper_id) if is_arxiv_id(paper_id) else (None, None)
    return PaperRecord(
        external_id=arxiv_id or paper_id.strip(),
        title=clean(item.get("title") or paper.get("title")),
        abstract=clean(paper.get("summary") or item.get("summary")),
        arxiv_id=arxiv_id,
        version=version,
        authors=[clean(a["name"]) for a in paper.get("authors") or [] if _has_name(a)],
        links=_links(paper, arxiv_id or paper_id.strip()),
        published=_datetime(paper.get("publishedAt") or item.get("publishedAt")),
        signals=_signals(item, paper, arxiv_id or paper_id.strip()),
        ai_summary=clean(paper.get("ai_summary")) or None,
        ai_keywords=[clean(word) for word in paper.get("ai_keywords") or []
                     if isinstance(word, str) and word.strip()],
    )


def _links(paper: dict, paper_id: str) -> dict[str, str]:
    links = {"hf": PAPER_PAGE.format(id=paper_id)}
    if is_arxiv_id(paper_id):
        links.update(arxiv_links(paper_id))
    if paper.get("githubRepo"):
        links["code"] = paper["githubRepo"]
    if paper.get("projectPage"):
        links["project"] = paper["projectPage"]
    return links


def _signals(item: dict, paper: dict, paper_id: str) -> dict[str, object]:
    """The attention the paper gets on Hugging Face; keys absent when the API does not say."""
    organization = paper.get("organization") or item.get("organization") or {}
    submitter = item.get("submittedBy") or {}
    found = {
        "upvotes": paper.get("upvotes"),
        "comments": item.get("numComments"),
        "github_repo": paper.get("githubRepo"),
        "github_stars": paper.get("githubStars"),
        "project_page": paper.get("projectPage"),
        "organization": organization.get("fullname") or organization.get("name"),
        "submitted_at": _iso(_datetime(paper.get("submittedOnDailyAt"))),
        "submitted_by": submitter.get("fullname") or submitter.get("name"),
        "hf_url": PAPER_PAGE.format(id=paper_id),
    }
    return {key: value for key, value in found.items() if value not in (None, "")}


def _has_name(author: object) -> bool:
    return isinstance(author, dict) and isinstance(author.get("name"), str)


def _iso(moment: dt.datetime | None) -> str | None:
    # Signals are stored as JSON: keep them to JSON types.
    return moment.isoformat() if moment else None


def _datetime(text: object) -> dt.datetime | None:
    """ISO 8601 from the API ("2026-11-23T05:12:00.000Z") as an aware UTC datetime."""
    if not isinstance(text, str) or not text:
        return None
    try:
        parsed = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed.astimezone(dt.UTC) if parsed.tzinfo else parsed.replace(tzinfo=dt.UTC)
