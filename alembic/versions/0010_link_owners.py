"""links bound to their owner: subscriber ids never reused, per-subscriber link secrets, and
the queue of lifecycle emails

Every link in an email named only a subscriber id, and SQLite handed an erased subscriber's id
to the next sign-up: the old links opened the new subscriber's account. Now `subscribers` is
AUTOINCREMENT on SQLite (PostgreSQL's sequences never reuse an id), and every link also signs
the subscriber's `token_secret`; confirmation links sign `confirm_secret`, cleared once used.
`queued_notices` holds the emails that requests call for, sent outside the request.

Revision ID: 0010
Revises: 0009
"""

import secrets

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

subscribers = sa.table("subscribers", sa.column("id", sa.Integer),
                       sa.column("token_secret", sa.String))


def upgrade() -> None:
    op.add_column("subscribers", sa.Column("token_secret", sa.String(length=32), nullable=True))
    op.add_column("subscribers", sa.Column("confirm_secret", sa.String(length=32),
                                           nullable=True))
    _give_every_subscriber_a_secret()
    if op.get_bind().dialect.name == "sqlite":
        # the table is rebuilt with AUTOINCREMENT; its rows keep their ids, and SQLite's
        # counter starts past the highest
        with op.batch_alter_table("subscribers", recreate="always",
                                  table_kwargs={"sqlite_autoincrement": True}) as batch:
            batch.alter_column("token_secret", existing_type=sa.String(length=32),
                               nullable=False)
    else:
        op.alter_column("subscribers", "token_secret", existing_type=sa.String(length=32),
                        nullable=False)
    op.create_table(
        "queued_notices",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("subscriber_id", sa.Integer(), nullable=True),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("queued_at", sa.DateTime(), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("claimed_until", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(["subscriber_id"], ["subscribers.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_queued_notices_subscriber_id", "queued_notices", ["subscriber_id"])


def _give_every_subscriber_a_secret(chunk: int = 1000) -> None:
    connection = op.get_bind()
    ids = connection.execute(sa.select(subscribers.c.id)).scalars().all()
    for start in range(0, len(ids), chunk):
        connection.execute(
            sa.update(subscribers).where(subscribers.c.id == sa.bindparam("row_id"))
            .values(token_secret=sa.bindparam("secret")),
            [{"row_id": row_id, "secret": secrets.token_urlsafe(8)}
             for row_id in ids[start:start + chunk]])


def downgrade() -> None:
    op.drop_index("ix_queued_notices_subscriber_id", table_name="queued_notices")
    op.drop_table("queued_notices")
    # on SQLite the table is rebuilt, and without AUTOINCREMENT: it is not reflected
    with op.batch_alter_table("subscribers") as batch:
        batch.drop_column("confirm_secret")
        batch.drop_column("token_secret")
