"""what sources give beyond the abstract: Hugging Face's one-line `ai_summary` and `ai_keywords`
on papers, and the count of a blog feed's posts skipped as not papers on each source run

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
    op.add_column("papers", sa.Column("ai_summary", sa.Text(), nullable=True))
    op.add_column("papers", sa.Column("ai_keywords", sa.JSON(), nullable=False,
                                      server_default=sa.text("'[]'")))
    op.add_column("source_runs", sa.Column("not_papers", sa.Integer(), nullable=False,
                                           server_default=sa.text("0")))


def downgrade() -> None:
    with op.batch_alter_table("source_runs") as batch:
        batch.drop_column("not_papers")
    with op.batch_alter_table("papers") as batch:
        batch.drop_column("ai_keywords")
        batch.drop_column("ai_summary")
