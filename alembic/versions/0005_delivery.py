"""delivery: the "sending" lease of ledger rows, soft-bounce counts, applied provider events

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("deliveries") as batch:
        batch.add_column(sa.Column("sending_at", sa.DateTime(), nullable=True))
    with op.batch_alter_table("subscribers") as batch:
        batch.add_column(sa.Column("soft_bounces", sa.Integer(), nullable=False,
                                   server_default="0"))
    with op.batch_alter_table("subscribers") as batch:
        # the server default only filled existing rows; the model sets the value from now on
        batch.alter_column("soft_bounces", server_default=None)
    op.create_table(
        "provider_events",
        sa.Column("event_id", sa.String(length=128), nullable=False),
        sa.Column("event", sa.String(length=32), nullable=False),
        sa.Column("received_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("event_id"),
    )


def downgrade() -> None:
    op.drop_table("provider_events")
    with op.batch_alter_table("subscribers") as batch:
        batch.drop_column("soft_bounces")
    with op.batch_alter_table("deliveries") as batch:
        batch.drop_column("sending_at")
