"""A paper's public id, the one name its page, its feed entries and its links go by, and the way
back from that id to the paper.

The public id is the paper's versionless arXiv id where it has one, else our own stable id
(`web:<hash>`, `Paper.id`). A paper first stored from a blog or a lab's feed keeps its `web:` row
id when an arXiv record is later merged into it; from then on its public id is that arXiv id, and
the old `web:` id still finds it (`paper_for`), so links already sent out keep working.
"""

from __future__ import annotations

from urllib.parse import quote

from sqlalchemy import select
from sqlalchemy.orm import Session

from newsletter.models import Paper, PaperSource
from newsletter.sources.ids import is_arxiv_id, split_version

WEB_PREFIX = "web:"


def public_id(paper: Paper) -> str:
    """The arXiv id of the paper (its own id, or the one the first arXiv-naming source gave a
    web paper), else its row id."""
    if not paper.id.startswith(WEB_PREFIX):
        return paper.id
    named = next((s.external_id for s in paper.sources if is_arxiv_id(s.external_id)), None)
    return split_version(named)[0] if named else paper.id


def paper_path(paper: Paper) -> str:
    """The site-relative path of the paper's page: /papers/{public id}."""
    return path_of(public_id(paper))


def paper_url(base_url: str, paper: Paper) -> str:
    """The absolute URL of the paper's page under NEWSLETTER_BASE_URL (no trailing slash)."""
    return f"{base_url.rstrip('/')}{paper_path(paper)}"


def path_of(paper_public_id: str) -> str:
    # "/" stays: old-style arXiv ids ("hep-th/9901001") keep their slash, as on arxiv.org
    return f"/papers/{quote(paper_public_id, safe='/:')}"


def paper_for(session: Session, wanted: str) -> Paper | None:
    """The paper a public id names, or None. Accepts the public id itself, a versioned arXiv id
    ("2411.01234v2") and a web paper's row id after an arXiv record was merged into it."""
    wanted = wanted.strip()
    if is_arxiv_id(wanted):
        arxiv_id = split_version(wanted)[0]
        return session.get(Paper, arxiv_id) or _web_paper_named(session, arxiv_id)
    if wanted.startswith(WEB_PREFIX):
        return session.get(Paper, wanted)
    return None


def _web_paper_named(session: Session, arxiv_id: str) -> Paper | None:
    """The web paper that an arXiv-naming source was merged into (sources store the
    versionless id as their external id)."""
    query = (select(Paper).join(PaperSource, PaperSource.paper_id == Paper.id)
             .where(PaperSource.external_id == arxiv_id, Paper.id.startswith(WEB_PREFIX))
             .order_by(PaperSource.id).limit(1))
    return session.scalar(query)
