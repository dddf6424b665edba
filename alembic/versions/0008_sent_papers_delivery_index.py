"""Index sent_papers.delivery_id

Deleting or recovering a delivery cascades to its sent papers; without this index each one
scanned the whole table (minutes for a 100,000-row ledger).

Revision ID: 0008
Revises: 0007
"""

from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("sent_papers") as batch_op:
        batch_op.create_index("ix_sent_papers_delivery_id", ["delivery_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("sent_papers") as batch_op:
        batch_op.drop_index("ix_sent_papers_delivery_id")
