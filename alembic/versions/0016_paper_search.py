"""paper search: the words of every paper (`paper_search`) and the database's own full-text
index over them: an FTS5 table kept by triggers on SQLite, a generated tsvector column with a
GIN index on PostgreSQL; every stored paper indexed

Revision ID: 0016
Revises: 0015
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.orm import Session

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None

# the FTS5 index reads its text from paper_search (external content): each trigger tells it
# what changed, in the 'delete' form FTS5 documents for external-content tables
SQLITE_INDEX = [
    """CREATE VIRTUAL TABLE paper_search_fts USING fts5(
           title, authors, body, content='paper_search', content_rowid='id',
           tokenize='unicode61 remove_diacritics 2')""",
    """CREATE TRIGGER paper_search_added AFTER INSERT ON paper_search BEGIN
           INSERT INTO paper_search_fts (rowid, title, authors, body)
           VALUES (new.id, new.title, new.authors, new.body);
       END""",
    """CREATE TRIGGER paper_search_removed AFTER DELETE ON paper_search BEGIN
           INSERT INTO paper_search_fts (paper_search_fts, rowid, title, authors, body)
           VALUES ('delete', old.id, old.title, old.authors, old.body);
       END""",
    """CREATE TRIGGER paper_search_changed AFTER UPDATE ON paper_search BEGIN
           INSERT INTO paper_search_fts (paper_search_fts, rowid, title, authors, body)
           VALUES ('delete', old.id, old.title, old.authors, old.body);
           INSERT INTO paper_search_fts (rowid, title, authors, body)
           VALUES (new.id, new.title, new.authors, new.body);
       END""",
]
POSTGRES_INDEX = [
    """ALTER TABLE paper_search ADD COLUMN document tsvector GENERATED ALWAYS AS (
           to_tsvector('simple', title || ' ' || authors || ' ' || body)) STORED""",
    "CREATE INDEX ix_paper_search_document ON paper_search USING gin (document)",
]


def upgrade() -> None:
    op.create_table(
        "paper_search",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("paper_id", sa.String(length=64), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("authors", sa.Text(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["paper_id"], ["papers.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("paper_id"),
    )
    sqlite = op.get_bind().dialect.name == "sqlite"
    for statement in SQLITE_INDEX if sqlite else POSTGRES_INDEX:
        op.execute(statement)
    from newsletter.search.index import rebuild

    rebuild(Session(bind=op.get_bind()))


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TABLE paper_search_fts")  # its triggers go with paper_search
    op.drop_table("paper_search")
