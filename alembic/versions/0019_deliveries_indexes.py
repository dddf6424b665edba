"""Two of the ledger's indexes cost every delivery's writes and served nobody: the one on
subscriber_id is dropped, since the unique (subscriber_id, edition_id) starts with the same column
and serves each of its readers (a reader's sent papers, the privacy export, an erasure's
cascade); the one on sent_at now holds the sent rows only, the ones the emails-a-day figures
count, instead of every row inserted with no sent_at yet and moved when sent

Revision ID: 0019
Revises: 0018
"""

import sqlalchemy as sa
from alembic import op

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None

SENT = sa.text("sent_at IS NOT NULL")


def upgrade() -> None:
    op.drop_index("ix_deliveries_subscriber_id", table_name="deliveries")
    op.drop_index("ix_deliveries_sent_at", table_name="deliveries")
    op.create_index("ix_deliveries_sent_at", "deliveries", ["sent_at"], sqlite_where=SENT,
                    postgresql_where=SENT)


def downgrade() -> None:
    op.drop_index("ix_deliveries_sent_at", table_name="deliveries")
    op.create_index("ix_deliveries_sent_at", "deliveries", ["sent_at"])
    op.create_index("ix_deliveries_subscriber_id", "deliveries", ["subscriber_id"])
