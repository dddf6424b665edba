"""/search?q=: every stored paper a query finds (newsletter.search), as cards, a page at a time.
A query too long, or without a word to look for, answers a page that says so; whatever was
typed is shown escaped, as text. Public: nothing on it is about a subscriber."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse

from newsletter.editions import cards
from newsletter.search.query import LAST_PAGE, LONGEST_QUERY, search
from newsletter.web import deps
from newsletter.web.pages import page

router = APIRouter()


@router.get("/search", response_class=HTMLResponse)
def search_page(request: Request, q: str = "",
                page_number: Annotated[int, Query(alias="page", ge=1, le=LAST_PAGE)] = 1):
    query = " ".join(q.split())
    if not query or len(query) > LONGEST_QUERY:
        return page(request, "search.html", query=query, results=None,
                    too_long=len(query) > LONGEST_QUERY)
    settings = deps.services(request).settings
    with deps.transaction(request) as session:
        results = search(session, query, page_number)
        found = cards.cards(session, results.papers, settings.llm_model)
    return page(request, "search.html", query=query, results=results, papers=found,
                too_long=False)
