"""A page per paper, /papers/{id}: everything we know and made about it. The id is the paper's
public id (`newsletter.editions.paper_links`); another name of the same paper (a versioned arXiv
id, a merged paper's old id) redirects there, so each paper has one address."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from newsletter.editions.paper_links import path_of
from newsletter.editions.paper_page import paper_page
from newsletter.web import deps
from newsletter.web.pages import page

router = APIRouter()


@router.get("/papers/{wanted:path}", response_class=HTMLResponse)
def paper(wanted: str, request: Request):
    services = deps.services(request)
    with deps.transaction(request) as session:
        found = paper_page(session, wanted, services.settings.llm_model)
    if found is None:
        raise HTTPException(404, "There is no such paper.")
    if found.public_id != wanted:
        return RedirectResponse(path_of(found.public_id), status_code=301)
    return page(request, "paper.html", paper=found.card, found=found)
