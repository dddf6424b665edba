"""The readers of an edition as delivery reads them: the confirmed ones without a ledger row
yet, in id order, a chunk at a time, and their addresses."""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from functools import lru_cache

from sqlalchemy import Text, TypeDecorator, exists, select, type_coerce
from sqlalchemy.orm import Session

from newsletter.models import (
    Delivery,
    Subscriber,
)
from newsletter.subscribers.subscriptions import CONFIRMED


def undelivered(edition_id: int, first_id: int | None, last_id: int | None, *columns):
    """SELECT `columns` of the confirmed subscribers with no ledger row for the edition, with ids
    in [first_id, last_id] when given."""
    delivered = exists().where(
        Delivery.subscriber_id == Subscriber.id, Delivery.edition_id == edition_id
    )
    query = select(*columns).where(Subscriber.status == CONFIRMED, ~delivered)
    if first_id is not None:
        query = query.where(Subscriber.id >= first_id)
    if last_id is not None:
        query = query.where(Subscriber.id <= last_id)
    return query


def addresses(session: Session, subscriber_ids: Sequence[int]) -> dict[int, tuple[str, str]]:
    """The email address and token secret of each of these subscribers, in one query; erased
    ones are left out."""
    query = select(Subscriber.id, Subscriber.email, Subscriber.token_secret).where(
        Subscriber.id.in_(subscriber_ids))
    rows = session.connection().execute(query).all()  # Core: lean, once a wave
    return {subscriber_id: (email, secret) for subscriber_id, email, secret in rows}


CHUNK = 1000


class _Topics(TypeDecorator):
    """A reader's topics as a tuple, decoded once per distinct list stored rather than once a
    reader: a run's readers share a few hundred lists, and decoding every reader's JSON was a
    third of reading them."""

    impl = Text
    cache_ok = True

    def process_result_value(self, value, dialect) -> tuple[str, ...]:
        # SQLite gives the stored text; psycopg decodes JSON itself
        return _decoded(value) if isinstance(value, str) else tuple(value or ())


@lru_cache(maxsize=4096)
def _decoded(stored: str) -> tuple[str, ...]:
    return tuple(json.loads(stored) or ())


READER_COLUMNS = (Subscriber.id, Subscriber.email,
                  type_coerce(Subscriber.topics, _Topics()).label("topics"), Subscriber.language,
                  Subscriber.frequency, Subscriber.delivery_hour, Subscriber.timezone,
                  Subscriber.max_papers, Subscriber.confirmed_at)


def due_readers(session: Session, edition_id: int, first_id: int | None,
                last_id: int | None, chunk: int = CHUNK) -> Iterator[list]:
    """The undelivered confirmed subscribers (READER_COLUMNS rows), `chunk` at a time, in id
    order; each chunk is read after the previous one was claimed."""
    after = first_id - 1 if first_id is not None else None
    while True:
        query = undelivered(edition_id, None, last_id, *READER_COLUMNS)
        if after is not None:
            query = query.where(Subscriber.id > after)
        # Core, not the ORM: rows as they come, a chunk a query
        rows = session.connection().execute(query.order_by(Subscriber.id).limit(chunk)).all()
        if not rows:
            return
        yield rows
        after = rows[-1].id


def readers_by_id(session: Session, subscriber_ids: list[int],
                  chunk: int = CHUNK) -> Iterator[list]:
    """These subscribers (READER_COLUMNS rows), `chunk` at a time, those still confirmed."""
    for start in range(0, len(subscriber_ids), chunk):
        query = (select(*READER_COLUMNS)
                 .where(Subscriber.id.in_(subscriber_ids[start:start + chunk]),
                        Subscriber.status == CONFIRMED)
                 .order_by(Subscriber.id))
        yield session.connection().execute(query).all()
