"""what sources give beyond papers: the count of a blog feed's posts skipped as not papers
(jobs, events, calls for participation) on each source run

Revision ID: 0015
Revises: 0014
"""

import sqlalchemy as sa

from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("source_runs", sa.Column("not_papers", sa.Integer(), nullable=False,
                                           server_default=sa.text("0")))


def downgrade() -> None:
    with op.batch_alter_table("source_runs") as batch:
        batch.drop_column("not_papers")
