"""runs: state and heartbeat, for runs done by Celery workers

Revision ID: 0006
Revises: 0005
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('runs') as batch:
        # runs recorded before this revision were all finished, in-process
        batch.add_column(sa.Column('state', sa.String(length=16), nullable=False,
                                   server_default='finished'))
        batch.add_column(sa.Column('heartbeat_at', sa.DateTime(), nullable=True))
        batch.create_index('ix_runs_state', ['state'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('runs') as batch:
        batch.drop_index('ix_runs_state')
        batch.drop_column('heartbeat_at')
        batch.drop_column('state')
