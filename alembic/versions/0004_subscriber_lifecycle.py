"""subscriber lifecycle: consent records and the per-address sign-up mail limit

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("subscribers") as batch:
        batch.add_column(sa.Column("signup_mail_window_start", sa.DateTime(), nullable=True))
        batch.add_column(sa.Column("signup_mails_in_window", sa.Integer(), nullable=False,
                                   server_default="0"))
    with op.batch_alter_table("subscribers") as batch:
        # the server default only filled existing rows; the model sets the value from now on
        batch.alter_column("signup_mails_in_window", server_default=None)
    op.create_table(
        "consents",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("subscriber_id", sa.Integer(), nullable=False),
        sa.Column("requested_at", sa.DateTime(), nullable=False),
        sa.Column("ip", sa.String(length=64), nullable=True),
        sa.Column("user_agent", sa.String(length=512), nullable=True),
        sa.Column("form_version", sa.String(length=32), nullable=False),
        sa.Column("confirmed_at", sa.DateTime(), nullable=True),
        sa.Column("confirmed_ip", sa.String(length=64), nullable=True),
        sa.ForeignKeyConstraint(["subscriber_id"], ["subscribers.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_consents_subscriber_id", "consents", ["subscriber_id"])


def downgrade() -> None:
    op.drop_index("ix_consents_subscriber_id", table_name="consents")
    op.drop_table("consents")
    with op.batch_alter_table("subscribers") as batch:
        batch.drop_column("signup_mails_in_window")
        batch.drop_column("signup_mail_window_start")
