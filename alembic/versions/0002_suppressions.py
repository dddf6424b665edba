"""suppressions

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23 11:34:45.393226
"""

import sqlalchemy as sa
from alembic import op

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('suppressions',
    sa.Column('email_hash', sa.String(length=64), nullable=False),
    sa.Column('reason', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('email_hash')
    )


def downgrade() -> None:
    op.drop_table('suppressions')
