"""The papers a reader's query finds, ranked, a page at a time, on SQLite (FTS5) and PostgreSQL
(full-text search) alike.

A query is its words (newsletter.search.words), at most MAX_TERMS of them; a paper matches when
each word begins a word of its title, authors, abstract or summary ("transformer" finds
"transformers"). The ranking is the same on both databases, by design rather than by either
engine's own scoring (bm25 and ts_rank disagree): papers whose title holds every word first,
then those whose authors do, then the rest; within each, the most discussed (trending score)
first, then by id. Each word is handed to the database as a quoted string or a bare word of
letters and digits, never as query syntax, so no query can be an operator or an error.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from newsletter.models import Paper
from newsletter.search.words import words

MAX_TERMS = 12
PAGE_SIZE = 20
LAST_PAGE = 50  # a reader refines a query long before; deeper offsets only cost the database

# tier: 2 when the title holds every word, 1 when the authors do, else 0
_SQLITE = text("""
    SELECT s.paper_id FROM paper_search_fts
    JOIN paper_search AS s ON s.id = paper_search_fts.rowid
    JOIN papers AS p ON p.id = s.paper_id
    WHERE paper_search_fts MATCH :everywhere
    ORDER BY 2 * (s.id IN (SELECT rowid FROM paper_search_fts WHERE paper_search_fts MATCH :title))
           + (s.id IN (SELECT rowid FROM paper_search_fts WHERE paper_search_fts MATCH :authors))
           DESC, p.trending_score DESC, p.id
    LIMIT :limit OFFSET :offset""")
_POSTGRES = text("""
    SELECT s.paper_id FROM paper_search AS s JOIN papers AS p ON p.id = s.paper_id
    WHERE s.document @@ to_tsquery('simple', :everywhere)
    ORDER BY 2 * (s.document @@ to_tsquery('simple', :title))::int
           + (s.document @@ to_tsquery('simple', :authors))::int
           DESC, p.trending_score DESC, p.id COLLATE "C"
    LIMIT :limit OFFSET :offset""")


@dataclass
class Results:
    """One page of the papers a query found, best first."""

    terms: list[str]
    papers: list[Paper]
    number: int
    has_next: bool

    @property
    def has_previous(self) -> bool:
        return self.number > 1


def terms_of(query: str) -> list[str]:
    """The words a query searches for, each once, in order, at most MAX_TERMS."""
    return list(dict.fromkeys(words(query)))[:MAX_TERMS]


def search(session: Session, query: str, number: int = 1, size: int = PAGE_SIZE) -> Results:
    """Page `number` (from 1) of the stored papers matching `query`. A query without a word
    finds nothing, without asking the database."""
    terms = terms_of(query)
    if not terms:
        return Results(terms, [], number, has_next=False)
    sqlite = session.get_bind().dialect.name == "sqlite"
    statement, match = (_SQLITE, _fts5_match) if sqlite else (_POSTGRES, _tsquery)
    parameters = {"everywhere": match(terms, None), "title": match(terms, "title"),
                  "authors": match(terms, "authors"), "limit": size + 1,
                  "offset": (number - 1) * size}
    ids = list(session.scalars(statement, parameters))
    found = {paper.id: paper for paper in
             session.scalars(select(Paper).where(Paper.id.in_(ids[:size])))}
    return Results(terms, [found[paper_id] for paper_id in ids[:size]], number,
                   has_next=len(ids) > size)


def _fts5_match(terms: list[str], column: str | None) -> str:
    # a quoted string is always a phrase to FTS5, never AND/OR/NOT/NEAR or a column name;
    # the words hold no quote to escape
    each = " AND ".join(f'"{term}"*' for term in terms)
    return f"{column} : ({each})" if column else each


_WEIGHTS = {None: "", "title": "A", "authors": "B"}


def _tsquery(terms: list[str], column: str | None) -> str:
    # the words are letters and digits only: no tsquery operator can be among them
    return " & ".join(f"{term}:*{_WEIGHTS[column]}" for term in terms)
