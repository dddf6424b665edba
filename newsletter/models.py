"""The tables. The schema itself is created by Alembic migrations (alembic/versions/)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from newsletter.subscribers.tokens import new_secret


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


class Base(DeclarativeBase):
    pass


class Paper(Base):
    """One work, whichever sources carried it. `id` is the versionless arXiv id where there is one,
    else `web:<hash of the item's guid or link>`."""

    __tablename__ = "papers"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    title: Mapped[str] = mapped_column(Text)
    title_key: Mapped[str] = mapped_column(String(255), index=True)
    abstract: Mapped[str] = mapped_column(Text, default="")
    authors: Mapped[list] = mapped_column(JSON, default=list)
    categories: Mapped[list] = mapped_column(JSON, default=list)
    links: Mapped[dict] = mapped_column(JSON, default=dict)
    version: Mapped[int | None] = mapped_column(Integer)
    doi: Mapped[str | None] = mapped_column(String(255), index=True)
    journal_ref: Mapped[str | None] = mapped_column(Text)
    published_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    first_seen_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    # indexed: the newest is when the archive last changed (editions.archive.last_change)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow,
                                                    index=True)
    trending_score: Mapped[float] = mapped_column(Float, default=0.0)
    # False for a paper first known from an arXiv revision (replace): old work, never news
    announce: Mapped[bool] = mapped_column(Boolean, default=True)
    # what Hugging Face Daily Papers says of it: an LLM's one-line summary, and its keywords
    ai_summary: Mapped[str | None] = mapped_column(Text)
    ai_keywords: Mapped[list] = mapped_column(JSON, default=list)

    # in the order the sources first carried the paper
    sources: Mapped[list[PaperSource]] = relationship(back_populates="paper", lazy="selectin",
                                                      order_by="PaperSource.id")
    topics: Mapped[list[PaperTopic]] = relationship(
        lazy="selectin", order_by="PaperTopic.rank", cascade="all, delete-orphan"
    )

    @property
    def topic_names(self) -> list[str]:
        return [topic.topic for topic in self.topics]


class PaperSource(Base):
    """That a source carried a paper, and the signals (upvotes, stars...) it gave."""

    __tablename__ = "paper_sources"
    __table_args__ = (UniqueConstraint("paper_id", "source_kind", "external_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    paper_id: Mapped[str] = mapped_column(ForeignKey("papers.id", ondelete="CASCADE"), index=True)
    source_kind: Mapped[str] = mapped_column(String(32))
    source_url: Mapped[str] = mapped_column(Text)
    external_id: Mapped[str] = mapped_column(String(512))
    signals: Mapped[dict] = mapped_column(JSON, default=dict)
    first_seen_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    last_seen_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow, index=True)

    paper: Mapped[Paper] = relationship(back_populates="sources")


class PaperTopic(Base):
    __tablename__ = "paper_topics"

    paper_id: Mapped[str] = mapped_column(
        ForeignKey("papers.id", ondelete="CASCADE"), primary_key=True
    )
    topic: Mapped[str] = mapped_column(String(64), primary_key=True, index=True)
    rank: Mapped[int] = mapped_column(Integer, default=0)


class PaperSearch(Base):
    """A paper's words as search reads them (newsletter.search): its title, its authors, and its
    abstract with its English summary, each as lowercase words without accents. The full-text
    index over these rows is the database's own (SQLite FTS5, PostgreSQL tsvector), made by the
    migration; `id` is the rowid that SQLite's index refers to."""

    __tablename__ = "paper_search"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    paper_id: Mapped[str] = mapped_column(ForeignKey("papers.id", ondelete="CASCADE"),
                                          unique=True)
    title: Mapped[str] = mapped_column(Text)
    authors: Mapped[str] = mapped_column(Text)
    body: Mapped[str] = mapped_column(Text)


class Summary(Base):
    """One structured summary of one text (a paper's title and abstract), by one model and prompt
    version, in one language. Keyed by the text's hash, so the same text is never summarized
    twice, whether it came from a feed or from `newsletter summarize`. `requested_model` is the
    model asked for (the cache key); `model` is the one that answered; `degraded` marks a fallback
    to the offline summarizer."""

    __tablename__ = "summaries"
    __table_args__ = (
        UniqueConstraint("content_hash", "requested_model", "prompt_version", "language"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    content_hash: Mapped[str] = mapped_column(String(64))
    requested_model: Mapped[str] = mapped_column(String(128))
    model: Mapped[str] = mapped_column(String(128))
    prompt_version: Mapped[str] = mapped_column(String(32))
    language: Mapped[str] = mapped_column(String(16), default="en")
    fields: Mapped[dict] = mapped_column(JSON)
    degraded: Mapped[bool] = mapped_column(Boolean, default=False)
    prompt_tokens: Mapped[int] = mapped_column(Integer, default=0)
    completion_tokens: Mapped[int] = mapped_column(Integer, default=0)
    cost_usd: Mapped[float] = mapped_column(Float, default=0.0)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow, index=True)


class Source(Base):
    """A configured feed, with what conditional GET and the health report need."""

    __tablename__ = "sources"
    __table_args__ = (UniqueConstraint("kind", "url"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))
    url: Mapped[str] = mapped_column(Text)
    etag: Mapped[str | None] = mapped_column(Text)
    last_modified: Mapped[str | None] = mapped_column(Text)
    last_success_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    last_error: Mapped[str | None] = mapped_column(Text)
    last_error_at: Mapped[dt.datetime | None] = mapped_column(DateTime)


class SourceRun(Base):
    """One ingest of one source: what it fetched and stored, or why it failed. Written by the
    ingest itself, outside the savepoint of the papers, so a failed store is recorded too."""

    __tablename__ = "source_runs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    source_id: Mapped[int] = mapped_column(
        ForeignKey("sources.id", ondelete="CASCADE"), index=True
    )
    started_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    finished_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    fetched: Mapped[int] = mapped_column(Integer, default=0)
    new: Mapped[int] = mapped_column(Integer, default=0)
    merged: Mapped[int] = mapped_column(Integer, default=0)
    unchanged: Mapped[int] = mapped_column(Integer, default=0)
    revisions: Mapped[int] = mapped_column(Integer, default=0)
    # a blog feed's posts left out as not papers (jobs, events, calls: newsletter.sources.posts)
    not_papers: Mapped[int] = mapped_column(Integer, default=0)
    not_modified: Mapped[bool] = mapped_column(Boolean, default=False)
    failed: Mapped[bool] = mapped_column(Boolean, default=False)
    error: Mapped[str | None] = mapped_column(Text)


class Subscriber(Base):
    __tablename__ = "subscribers"
    # AUTOINCREMENT on SQLite: an erased or purged subscriber's id is never handed to the next
    # sign-up (PostgreSQL's sequences never reuse one). SQLite does not report it when a table is
    # reflected: a batch migration that rebuilds this table must pass it again in `table_kwargs`.
    __table_args__ = {"sqlite_autoincrement": True}

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    email: Mapped[str] = mapped_column(String(320), unique=True)
    status: Mapped[str] = mapped_column(String(16), default="pending", index=True)
    topics: Mapped[list] = mapped_column(JSON, default=list)
    language: Mapped[str] = mapped_column(String(16), default="en")
    frequency: Mapped[str] = mapped_column(String(16), default="daily")
    delivery_hour: Mapped[int] = mapped_column(Integer, default=7)
    timezone: Mapped[str] = mapped_column(String(64), default="UTC")
    max_papers: Mapped[int | None] = mapped_column(Integer)
    # indexed: the operator's figures group sign-ups and unsubscribes by day (newsletter.stats)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow, index=True)
    confirmed_at: Mapped[dt.datetime | None] = mapped_column(DateTime, index=True)
    unsubscribed_at: Mapped[dt.datetime | None] = mapped_column(DateTime, index=True)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)
    # temporary delivery failures the provider reported (deferred, blocked): counted, not suppressed
    soft_bounces: Mapped[int] = mapped_column(Integer, default=0)
    # sign-up emails (confirmation, reminder) sent in the current 24-hour window: the durable
    # per-address limit that stops subscription bombing across processes and restarts
    signup_mail_window_start: Mapped[dt.datetime | None] = mapped_column(DateTime)
    signup_mails_in_window: Mapped[int] = mapped_column(Integer, default=0)
    # follows (authors, organizations, keywords) and muted keywords: newsletter.personal.Interests
    interests: Mapped[dict] = mapped_column(JSON, default=dict)
    # signed into every link made for this subscriber, so a link dies with the row it was made
    # for (an erased, purged or re-created subscriber's links name nobody)
    token_secret: Mapped[str] = mapped_column(String(32), default=new_secret)
    # signed into the confirmation link while the subscriber is pending; cleared when it is used
    # or the subscriber leaves "pending", so a confirmation link works once
    confirm_secret: Mapped[str | None] = mapped_column(String(32))


class Consent(Base):
    """One sign-up request and its confirmation: when, from which IP and user agent, through which
    version of the form. Deleted with the subscriber (erasure)."""

    __tablename__ = "consents"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    subscriber_id: Mapped[int] = mapped_column(
        ForeignKey("subscribers.id", ondelete="CASCADE"), index=True
    )
    requested_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    ip: Mapped[str | None] = mapped_column(String(64))
    user_agent: Mapped[str | None] = mapped_column(String(512))
    form_version: Mapped[str] = mapped_column(String(32))
    confirmed_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    confirmed_ip: Mapped[str | None] = mapped_column(String(64))


class QueuedNotice(Base):
    """An email of the subscriber lifecycle, queued by the request that called for it and sent
    outside it (`newsletter.subscribers.notice_queue`). A "signup" row is a sign-up request not yet looked
    at: `payload` holds the form's answer and it names no subscriber yet. Deleted with its
    subscriber: nothing is sent to an erased address."""

    __tablename__ = "queued_notices"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))
    subscriber_id: Mapped[int | None] = mapped_column(
        ForeignKey("subscribers.id", ondelete="CASCADE"), index=True
    )
    payload: Mapped[dict] = mapped_column(JSON, default=dict)
    queued_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    # a sender holds the row until then (the claim of one that died lapses); None: free
    claimed_until: Mapped[dt.datetime | None] = mapped_column(DateTime)


class Suppression(Base):
    """An address that must never be mailed or re-added (bounce, complaint, erased subscriber).
    Only a hash of the normalized address is kept, so erasing personal data leaves no address."""

    __tablename__ = "suppressions"

    email_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    reason: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class Edition(Base):
    """The papers of one day, ranked; what every digest of that day draws from."""

    __tablename__ = "editions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    date: Mapped[dt.date] = mapped_column(Date, unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)

    papers: Mapped[list[EditionPaper]] = relationship(
        lazy="selectin", order_by="EditionPaper.rank", cascade="all, delete-orphan"
    )


class EditionPaper(Base):
    __tablename__ = "edition_papers"

    edition_id: Mapped[int] = mapped_column(
        ForeignKey("editions.id", ondelete="CASCADE"), primary_key=True
    )
    paper_id: Mapped[str] = mapped_column(ForeignKey("papers.id"), primary_key=True, index=True)
    rank: Mapped[int] = mapped_column(Integer)

    paper: Mapped[Paper] = relationship(lazy="joined")


class Delivery(Base):
    """The ledger: one row per subscriber and edition, claimed before sending, marked after.
    The unique constraint is the guard against double sends."""

    __tablename__ = "deliveries"
    # ids never handed out twice: SendGrid's events name a delivery by its id, days later
    __table_args__ = (UniqueConstraint("subscriber_id", "edition_id"),
                      # emails a day: rows not sent (all of them until sent) are never counted,
                      # so they are left out of the index rather than kept in it by each write
                      Index("ix_deliveries_sent_at", "sent_at",
                            sqlite_where=text("sent_at IS NOT NULL"),
                            postgresql_where=text("sent_at IS NOT NULL")),
                      {"sqlite_autoincrement": True})

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # looked up through the unique constraint's index, which starts with it
    subscriber_id: Mapped[int] = mapped_column(ForeignKey("subscribers.id", ondelete="CASCADE"))
    edition_id: Mapped[int] = mapped_column(ForeignKey("editions.id", ondelete="CASCADE"))
    status: Mapped[str] = mapped_column(String(16), default="claimed", index=True)
    # the papers its email carries, shared with the other readers of its request; set when
    # the row goes to "sending"
    digest_papers_id: Mapped[int | None] = mapped_column(ForeignKey("digest_papers.id"))
    provider_message_id: Mapped[str | None] = mapped_column(String(255))
    error: Mapped[str | None] = mapped_column(Text)
    claimed_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    sent_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    # when the row went to "sending": the request may have reached the provider from then on
    sending_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    # the lease owner (newsletter.leases) of the process holding a "claimed" or "sending" row
    holder: Mapped[str | None] = mapped_column(String(64))

    digest_papers: Mapped[DigestPapers | None] = relationship(lazy="joined")

    @property
    def paper_ids(self) -> list[str]:
        """The ids of the papers its email carries (none before "sending", or when empty)."""
        return list(self.digest_papers.paper_ids) if self.digest_papers else []


class DigestPapers(Base):
    """The papers of one digest, best first, stored once for all the readers of a request:
    their deliveries point here, rather than each repeating up to 25 ids. The sent deliveries'
    papers are what no reader is sent twice (`digests.sent_among`)."""

    __tablename__ = "digest_papers"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    paper_ids: Mapped[list] = mapped_column(JSON)


class PaperRating(Base):
    """A subscriber's "more like this" (+1) or "less like this" (-1) on a paper; the latest vote
    wins. Deleted with the subscriber (erasure)."""

    __tablename__ = "paper_ratings"

    subscriber_id: Mapped[int] = mapped_column(
        ForeignKey("subscribers.id", ondelete="CASCADE"), primary_key=True
    )
    paper_id: Mapped[str] = mapped_column(
        ForeignKey("papers.id", ondelete="CASCADE"), primary_key=True
    )
    vote: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)


class ProviderEvent(Base):
    """A provider's webhook event already applied, by its id: a redelivered event is dropped."""

    __tablename__ = "provider_events"

    event_id: Mapped[str] = mapped_column(String(128), primary_key=True)
    event: Mapped[str] = mapped_column(String(32))
    received_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow, index=True)


class Lease(Base):
    """A holder's lease (`name` is its owner token) or a lock (`name` is the lock's), renewed
    while the owning process lives (newsletter.leases)."""

    __tablename__ = "leases"

    name: Mapped[str] = mapped_column(String(200), primary_key=True)
    owner: Mapped[str] = mapped_column(String(64), index=True)
    acquired_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    expires_at: Mapped[dt.datetime] = mapped_column(DateTime)
    note: Mapped[str] = mapped_column(String(255), default="")


class Run(Base):
    """One run of the daily job and its report. A run done by Celery workers is "running" until
    its last step; every task of it moves `heartbeat_at`, so a run whose tasks were lost (a
    Redis restart) is found and resumed (`newsletter.runs.records`)."""

    __tablename__ = "runs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    started_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    finished_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    report: Mapped[dict] = mapped_column(JSON, default=dict)
    state: Mapped[str] = mapped_column(String(16), default="finished", index=True)
    heartbeat_at: Mapped[dt.datetime | None] = mapped_column(DateTime)


class SubscriberCount(Base):
    """How many subscribers were in each status on one day (UTC), counted by every daily run
    (the day's last count stays): the history of the operator's chart, which the subscribers'
    own rows cannot give (a row keeps only its latest status, and purged or erased rows go)."""

    __tablename__ = "subscriber_counts"

    day: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    pending: Mapped[int] = mapped_column(Integer)
    confirmed: Mapped[int] = mapped_column(Integer)
    unsubscribed: Mapped[int] = mapped_column(Integer)
    suppressed: Mapped[int] = mapped_column(Integer)
    counted_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
