"""Drop deliveries' index on subscriber_id: the unique (subscriber_id, edition_id) starts with
the same column, so each of its readers (a reader's sent papers, the privacy export, the cascade
of an erasure) uses that one as well, while every ledger insert paid for keeping both

Revision ID: 0019
Revises: 0018
"""

from alembic import op

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.drop_index("ix_deliveries_subscriber_id", table_name="deliveries")


def downgrade() -> None:
    op.create_index("ix_deliveries_subscriber_id", "deliveries", ["subscriber_id"])
