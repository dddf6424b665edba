"""operator figures: a daily count of subscribers by status, and the indexes that let /admin
group sign-ups, unsubscribes, sent emails and provider events by day without reading every row

Revision ID: 0014
Revises: 0011
"""

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0011"
branch_labels = None
depends_on = None

# (index, table, column): each a column /admin groups by day within a window of recent days
DAY_INDEXES = [
    ("ix_subscribers_created_at", "subscribers", "created_at"),
    ("ix_subscribers_confirmed_at", "subscribers", "confirmed_at"),
    ("ix_subscribers_unsubscribed_at", "subscribers", "unsubscribed_at"),
    ("ix_deliveries_sent_at", "deliveries", "sent_at"),
    ("ix_provider_events_received_at", "provider_events", "received_at"),
]


def upgrade() -> None:
    op.create_table(
        "subscriber_counts",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("pending", sa.Integer(), nullable=False),
        sa.Column("confirmed", sa.Integer(), nullable=False),
        sa.Column("unsubscribed", sa.Integer(), nullable=False),
        sa.Column("suppressed", sa.Integer(), nullable=False),
        sa.Column("counted_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("day"),
    )
    for name, table, column in DAY_INDEXES:
        op.create_index(name, table, [column])


def downgrade() -> None:
    for name, table, _column in reversed(DAY_INDEXES):
        op.drop_index(name, table_name=table)
    op.drop_table("subscriber_counts")
