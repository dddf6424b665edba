"""The papers a reader's query finds, ranked, a page at a time, on SQLite (FTS5) and PostgreSQL
(full-text search) alike.

A query is its words (newsletter.search.words), at most MAX_TERMS of them; a paper matches when
each word begins a word of its title, authors, abstract or summary ("transformer" finds
"transformers"). The ranking is the same on both databases, by design rather than by either
engine's own scoring (bm25 and ts_rank disagree): papers whose title holds every word first,
then those whose authors do, then the rest; within each, the most discussed (trending score)
first, then by id; each page knows how many papers match in all. Each word is handed to the
database as a quoted string or a bare word of letters and digits, never as query syntax, so no
query can be an operator or an error.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from sqlalchemy import and_, case, column, func, literal, select, table, text
from sqlalchemy.orm import Session

from newsletter.models import Paper, PaperSearch
from newsletter.search.words import words

MAX_TERMS = 12
LONGEST_QUERY = 200  # characters: a long title and a few authors' names; longer is refused
PAGE_SIZE = 20
LAST_PAGE = 50  # a reader refines a query long before; deeper offsets only cost the database

# the database's own full-text index: FTS5's table on SQLite, the generated tsvector column on
# PostgreSQL (migration 0016); the models know neither
_FTS5 = table("paper_search_fts", column("rowid"))
_FTS5_MATCH = text("paper_search_fts MATCH :words")
_TSQUERY_MATCH = text("paper_search.document @@ to_tsquery('simple', :words)")


@dataclass
class Results:
    """One page of the papers a query found, best first, and how many it found in all."""

    terms: list[str]
    papers: list[Paper]
    number: int
    has_next: bool
    total: int
    size: int = PAGE_SIZE

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def pages(self) -> int:
        """The pages a reader can turn: every match's, up to LAST_PAGE."""
        return min(math.ceil(self.total / self.size), LAST_PAGE)


def terms_of(query: str) -> list[str]:
    """The words a query searches for, each once, in order, at most MAX_TERMS."""
    return list(dict.fromkeys(words(query)))[:MAX_TERMS]


def search(session: Session, query: str, number: int = 1, size: int = PAGE_SIZE) -> Results:
    """Page `number` (from 1) of the stored papers matching `query`. A query without a word
    finds nothing, without asking the database."""
    terms = terms_of(query)
    if not terms:
        return Results(terms, [], number, has_next=False, total=0, size=size)
    sqlite = session.get_bind().dialect.name == "sqlite"
    tier = case((_holds_all(PaperSearch.title, terms), 2),
                (_holds_all(PaperSearch.authors, terms), 1), else_=0)
    # the ids in byte order on both: PostgreSQL would otherwise sort them by its locale
    by_id = Paper.id if sqlite else Paper.id.collate("C")
    ranked = (_matching(select(PaperSearch.paper_id), terms, sqlite)
              .join(Paper, Paper.id == PaperSearch.paper_id)
              .order_by(tier.desc(), Paper.trending_score.desc(), by_id)
              .limit(size + 1).offset((number - 1) * size))
    ids = list(session.scalars(ranked))
    found = {paper.id: paper for paper in
             session.scalars(select(Paper).where(Paper.id.in_(ids[:size])))}
    total = session.scalar(_count(terms, sqlite))
    return Results(terms, [found[paper_id] for paper_id in ids[:size]], number,
                   has_next=len(ids) > size, total=total, size=size)


def _matching(query, terms: list[str], sqlite: bool):
    """`query` over the search rows that hold every term, through the database's own index."""
    query = query.select_from(PaperSearch)
    if sqlite:
        return (query.join(_FTS5, _FTS5.c.rowid == PaperSearch.id)
                .where(_FTS5_MATCH.bindparams(words=_fts5_match(terms))))
    return query.where(_TSQUERY_MATCH.bindparams(words=_tsquery(terms)))


def _count(terms: list[str], sqlite: bool):
    """How many papers hold every term: on SQLite, FTS5's rows alone (one per search row, kept
    by triggers), half the time of joining them back. Asked apart from the ranking: a window
    count(*) over the ranked rows makes SQLite keep them all before sorting (x1.4)."""
    if sqlite:
        return (select(func.count()).select_from(_FTS5)
                .where(_FTS5_MATCH.bindparams(words=_fts5_match(terms))))
    return _matching(select(func.count()), terms, sqlite)


def _holds_all(words_column, terms: list[str]):
    """Whether each term begins a word of the column (its words are one space apart): the same
    test on both databases, made on the matching rows only. The terms hold no LIKE wildcard."""
    spaced = literal(" ").concat(words_column)
    return and_(*[spaced.like(f"% {term}%") for term in terms])


def _fts5_match(terms: list[str]) -> str:
    # a quoted string is always a phrase to FTS5, never AND/OR/NOT/NEAR or a column name;
    # the words hold no quote to escape
    return " AND ".join(f'"{term}"*' for term in terms)


def _tsquery(terms: list[str]) -> str:
    # the words are letters and digits only: no tsquery operator can be among them
    return " & ".join(f"{term}:*" for term in terms)
