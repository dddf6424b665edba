"""digest_papers: a request's paper list stored once; sent_papers derived, not written

A delivery's papers were a JSON list on every row, and on sending each paper was copied again
into `sent_papers`: 25 ids and 25 rows per reader, half the time of a 100,000-reader run on
SQLite. Now the readers of one request share a `digest_papers` row, and what a reader was
sent is read from their sent deliveries. Existing lists move over (equal lists share a row);
`sent_papers` held nothing those lists do not, so it is dropped.

Revision ID: 0009
Revises: 0008
"""

import json
from collections import defaultdict

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

digest_papers = sa.table("digest_papers", sa.column("id", sa.Integer),
                         sa.column("paper_ids", sa.JSON))
deliveries = sa.table("deliveries", sa.column("id", sa.Integer),
                      sa.column("subscriber_id", sa.Integer),
                      sa.column("status", sa.String),
                      sa.column("paper_ids", sa.JSON),
                      sa.column("digest_papers_id", sa.Integer))
sent_papers = sa.table("sent_papers", sa.column("subscriber_id", sa.Integer),
                       sa.column("paper_id", sa.String), sa.column("delivery_id", sa.Integer))


def upgrade() -> None:
    op.create_table(
        "digest_papers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("paper_ids", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("deliveries") as batch:
        batch.add_column(sa.Column("digest_papers_id", sa.Integer(), nullable=True))
        batch.create_foreign_key("fk_deliveries_digest_papers_id", "digest_papers",
                                 ["digest_papers_id"], ["id"])
    _move_lists_to_digest_papers()
    with op.batch_alter_table("deliveries") as batch:
        batch.drop_column("paper_ids")
    op.drop_table("sent_papers")


def _move_lists_to_digest_papers(chunk: int = 10_000) -> None:
    """Point every delivery with papers to a digest_papers row holding its list, reading the
    ledger a chunk at a time (it can hold millions of rows); equal lists share a row."""
    connection = op.get_bind()
    list_ids: dict[str, int] = {}  # a list as JSON -> its digest_papers id
    after = 0
    while rows := connection.execute(
            sa.select(deliveries.c.id, deliveries.c.paper_ids).where(deliveries.c.id > after)
            .order_by(deliveries.c.id).limit(chunk)).all():
        after = rows[-1][0]
        by_list: dict[str, list[int]] = defaultdict(list)
        for delivery_id, paper_ids in rows:
            if paper_ids:
                by_list[json.dumps(paper_ids)].append(delivery_id)
        for paper_ids, delivery_ids in by_list.items():
            if paper_ids not in list_ids:
                list_ids[paper_ids] = connection.execute(
                    sa.insert(digest_papers).values(paper_ids=json.loads(paper_ids))
                    .returning(digest_papers.c.id)).scalar_one()
            connection.execute(sa.update(deliveries).where(deliveries.c.id.in_(delivery_ids))
                               .values(digest_papers_id=list_ids[paper_ids]))


def downgrade() -> None:
    with op.batch_alter_table("deliveries") as batch:
        batch.add_column(sa.Column("paper_ids", sa.JSON(), nullable=False,
                                   server_default="[]"))
    sent = _move_lists_back_to_deliveries()
    with op.batch_alter_table("deliveries") as batch:
        batch.alter_column("paper_ids", server_default=None)
        batch.drop_constraint("fk_deliveries_digest_papers_id", type_="foreignkey")
        batch.drop_column("digest_papers_id")
    op.drop_table("digest_papers")
    # Created last: on SQLite the batch operations above rebuild `deliveries`, and dropping the
    # old copy would cascade to the rows of a sent_papers table pointing to it.
    op.create_table(
        "sent_papers",
        sa.Column("subscriber_id", sa.Integer(), nullable=False),
        sa.Column("paper_id", sa.String(length=64), nullable=False),
        sa.Column("delivery_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["delivery_id"], ["deliveries.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["paper_id"], ["papers.id"]),
        sa.ForeignKeyConstraint(["subscriber_id"], ["subscribers.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("subscriber_id", "paper_id"),
    )
    with op.batch_alter_table("sent_papers") as batch:
        batch.create_index("ix_sent_papers_delivery_id", ["delivery_id"], unique=False)
    if sent:
        op.get_bind().execute(sa.insert(sent_papers), sent)


def _move_lists_back_to_deliveries() -> list[dict]:
    """Copy each delivery's list back to it; return the sent_papers rows of the sent ones (one
    per reader and paper, from their first delivery)."""
    connection = op.get_bind()
    lists = dict(connection.execute(sa.select(digest_papers.c.id, digest_papers.c.paper_ids)).all())
    rows = connection.execute(sa.select(deliveries.c.id, deliveries.c.subscriber_id,
                                        deliveries.c.status, deliveries.c.digest_papers_id)
                              .where(deliveries.c.digest_papers_id.is_not(None))
                              .order_by(deliveries.c.id)).all()
    sent: dict[tuple[int, str], int] = {}
    for delivery_id, subscriber_id, status, list_id in rows:
        connection.execute(sa.update(deliveries).where(deliveries.c.id == delivery_id)
                           .values(paper_ids=lists[list_id]))
        if status == "sent":
            for paper_id in lists[list_id]:
                sent.setdefault((subscriber_id, paper_id), delivery_id)
    return [{"subscriber_id": subscriber_id, "paper_id": paper_id, "delivery_id": delivery_id}
            for (subscriber_id, paper_id), delivery_id in sent.items()]
