"""delivery ids never reused: `deliveries` is AUTOINCREMENT on SQLite

A delivery's id leaves the database: SendGrid's events carry it back (the `delivery_id` custom
arg), days later for opens and clicks. SQLite handed the id of an erased reader's last delivery
to the next one, so a late event of the erased reader's digest could close another reader's
delivery as sent, and that reader's digest was then never sent again after a crash. PostgreSQL's
sequences never reuse an id.

Revision ID: 0017
Revises: 0016
"""

from alembic import op

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        # the table is rebuilt with AUTOINCREMENT; its rows keep their ids, and SQLite's
        # counter starts past the highest
        with op.batch_alter_table("deliveries", recreate="always",
                                  table_kwargs={"sqlite_autoincrement": True}):
            pass


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        # rebuilt from its reflection, which does not carry AUTOINCREMENT
        with op.batch_alter_table("deliveries", recreate="always"):
            pass
