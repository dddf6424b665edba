"""leases: who is alive and who holds a lock; each delivery row names its holder

A process holding ledger rows (a `newsletter run`, a worker's delivery task) renews a lease
row every few seconds while it lives; rows whose holder's lease expired are taken over within
about a minute instead of after NEWSLETTER_VISIBILITY_TIMEOUT. Rows held when this revision
runs have no holder and count as a dead process's: stop the workers and runs before upgrading.

Revision ID: 0011
Revises: 0010
"""

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "leases",
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("owner", sa.String(length=64), nullable=False),
        sa.Column("acquired_at", sa.DateTime(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.Column("note", sa.String(length=255), nullable=False, server_default=""),
        sa.PrimaryKeyConstraint("name"),
    )
    op.create_index("ix_leases_owner", "leases", ["owner"])
    with op.batch_alter_table("deliveries") as batch:
        batch.add_column(sa.Column("holder", sa.String(length=64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("deliveries") as batch:
        batch.drop_column("holder")
    op.drop_index("ix_leases_owner", table_name="leases")
    op.drop_table("leases")
