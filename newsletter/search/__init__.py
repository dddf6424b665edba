"""Search over every stored paper: its words kept current as papers and summaries are written
(`index`), and the ranked matches of a reader's query (`query`), the same on SQLite (FTS5) and
PostgreSQL (full-text search)."""
