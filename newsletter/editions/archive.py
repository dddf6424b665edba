"""The web archive's queries: every edition, one edition by topic and its neighbours, the papers
of a topic day by day, the editions a paper appeared in, when any of it last changed."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from itertools import groupby
from operator import itemgetter

from sqlalchemy import exists, func, select
from sqlalchemy.orm import Session

from newsletter.editions.sections import Section, group_by_topic
from newsletter.models import Edition, EditionPaper, Paper, PaperSource, PaperTopic, Summary

TOPIC_PAGE_SIZE = 30
LAST_PAGE = 1000  # deeper offsets cost the database more than any reader pages
FIRST_SPAN = 7  # editions a topic page reads first; each further read doubles it


@dataclass
class Day:
    """One edition's papers of one topic, best first."""

    date: dt.date
    papers: list[Paper]


@dataclass
class TopicPage:
    """One page of a topic's papers: newest edition first, each edition's papers in its order
    (its trending rank on its day). A day may go on over the next page."""

    days: list[Day]
    number: int
    has_next: bool

    @property
    def has_previous(self) -> bool:
        return self.number > 1


@dataclass
class EditionPage:
    """One page of an edition's papers grouped by topic, best first (a topic may go on over the
    next page), with the edition's contents: (topic, its number of papers, the page it starts
    on) for each of its topics."""

    sections: list[Section]
    contents: list[tuple[str, int, int]]
    number: int
    has_next: bool
    paper_count: int

    @property
    def has_previous(self) -> bool:
        return self.number > 1


def edition_list(session: Session, limit: int = 365) -> list[tuple[dt.date, int]]:
    """(date, number of papers) of the latest editions, newest first."""
    query = (select(Edition.date, func.count(EditionPaper.paper_id))
             .outerjoin(EditionPaper, EditionPaper.edition_id == Edition.id)
             .group_by(Edition.id, Edition.date).order_by(Edition.date.desc()).limit(limit))
    return [(date, count) for date, count in session.execute(query)]


def latest_edition(session: Session) -> Edition | None:
    return session.scalar(select(Edition).order_by(Edition.date.desc()).limit(1))


def edition_page(session: Session, edition_id: int, number: int = 1,
                 size: int = TOPIC_PAGE_SIZE) -> EditionPage:
    """Page `number` (from 1) of the edition's sections, `size` papers a page, in the order of
    the whole edition: best first, each paper once under its first topic (`group_by_topic`).
    Only the page's papers are loaded; the grouping needs each paper's first topic alone. A page
    past the end has no sections."""
    first_topic = (select(PaperTopic.topic).where(PaperTopic.paper_id == EditionPaper.paper_id)
                   .order_by(PaperTopic.rank).limit(1).scalar_subquery())
    rows = session.execute(select(EditionPaper.paper_id, first_topic)
                           .where(EditionPaper.edition_id == edition_id)
                           .order_by(EditionPaper.rank, EditionPaper.paper_id))
    outline = group_by_topic([_Tagged(paper_id, [topic] if topic else [])
                              for paper_id, topic in rows], [])
    first, last = (number - 1) * size, number * size
    shown, contents, position = [], [], 0
    for section in outline:
        contents.append((section.topic, len(section.papers), position // size + 1))
        part = section.papers[max(first - position, 0):max(last - position, 0)]
        if part:
            shown.append(Section(section.topic, [tagged.id for tagged in part]))
        position += len(section.papers)
    papers = {paper.id: paper for paper in session.scalars(select(Paper).where(
        Paper.id.in_([paper_id for section in shown for paper_id in section.papers])))}
    for section in shown:
        section.papers = [papers[paper_id] for paper_id in section.papers]
    return EditionPage(sections=shown, contents=contents, number=number,
                       has_next=position > last, paper_count=position)


@dataclass
class _Tagged:
    """A paper as the grouping by topic sees it: its id and its first topic."""

    id: str
    topic_names: list[str]


def neighbours(session: Session, date: dt.date) -> tuple[dt.date | None, dt.date | None]:
    """The dates of the editions just before and just after `date` (None where there is none)."""
    before = session.scalar(select(func.max(Edition.date)).where(Edition.date < date))
    after = session.scalar(select(func.min(Edition.date)).where(Edition.date > date))
    return before, after


def topic_page(session: Session, topic: str | None, number: int = 1,
               size: int = TOPIC_PAGE_SIZE) -> TopicPage:
    """Page `number` (from 1) of the papers of `topic` (None: of every topic) that editions
    carried, by edition date (newest first), then by their rank in the edition. A page past the
    end has no days."""
    wanted = number * size + 1  # every row up to the page's end, and one more: is there a next
    editions = session.execute(select(Edition.id, Edition.date).order_by(Edition.date.desc()))
    ids = [edition_id for edition_id, _ in editions]
    found: list[tuple[dt.date, str]] = []
    start, span = 0, FIRST_SPAN
    while len(found) < wanted and start < len(ids):
        found += _topic_rows(session, topic, ids[start:start + span])
        start, span = start + span, span * 2
    shown = found[(number - 1) * size:number * size]
    papers = {paper.id: paper for paper in session.scalars(
        select(Paper).where(Paper.id.in_({paper_id for _, paper_id in shown})))}
    days = [Day(date, [papers[paper_id] for _, paper_id in group])
            for date, group in groupby(shown, key=itemgetter(0))]
    return TopicPage(days=days, number=number, has_next=len(found) > number * size)


def _topic_rows(session: Session, topic: str | None, edition_ids: list[int]) -> list[tuple]:
    """(date, paper id) of the topic's papers (None: all) in these editions, in page order. The
    editions drive the query and the topic is a test on each of their papers: joined on the
    topic's index instead, SQLite sorts every paper the topic ever had to show the first 30 (75 ms
    instead of 7 on 100,000 papers, bench/bench_reading.py)."""
    query = (select(Edition.date, EditionPaper.paper_id)
             .join(Edition, Edition.id == EditionPaper.edition_id)
             .where(EditionPaper.edition_id.in_(edition_ids))
             .order_by(Edition.date.desc(), EditionPaper.rank, EditionPaper.paper_id))
    if topic is not None:
        query = query.where(exists().where(PaperTopic.paper_id == EditionPaper.paper_id,
                                           PaperTopic.topic == topic))
    return [tuple(row) for row in session.execute(query)]


def last_change(session: Session) -> dt.datetime | None:
    """When anything the archive shows last changed (naive UTC; None: nothing stored yet): an
    edition built, a paper or one of its sources written, a summary made or made again. Each is
    the newest value of an indexed column (migration 0018; the editions, one a day, need none),
    so this costs a few index look-ups however large the archive is. A paper's topics follow
    from its text and its summary."""
    newest = [select(func.max(column)).scalar_subquery()
              for column in (Edition.created_at, Paper.updated_at, PaperSource.last_seen_at,
                             Summary.created_at)]
    return max(filter(None, session.execute(select(*newest)).one()), default=None)


def appearances(session: Session, paper: Paper) -> list[dt.date]:
    """The dates of the editions that carried the paper, newest first."""
    query = (select(Edition.date).join(EditionPaper, EditionPaper.edition_id == Edition.id)
             .where(EditionPaper.paper_id == paper.id).order_by(Edition.date.desc()))
    return list(session.scalars(query))
