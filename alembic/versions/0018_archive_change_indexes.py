"""Index the columns whose newest value says when the archive last changed (papers.updated_at,
paper_sources.last_seen_at, summaries.created_at), so a feed answers a reader's poll from three
index look-ups instead of building itself (newsletter.editions.archive.last_change); the daily
LLM budget's sum of today's summaries reads the last one too

Revision ID: 0018
Revises: 0017
"""

from alembic import op

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None

INDEXES = [("ix_papers_updated_at", "papers", "updated_at"),
           ("ix_paper_sources_last_seen_at", "paper_sources", "last_seen_at"),
           ("ix_summaries_created_at", "summaries", "created_at")]


def upgrade() -> None:
    for name, table, column in INDEXES:
        op.create_index(name, table, [column])


def downgrade() -> None:
    for name, table, _ in INDEXES:
        op.drop_index(name, table_name=table)
