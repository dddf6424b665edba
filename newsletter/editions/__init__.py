"""Editions: the papers of a day, ranked by trending score and grouped by topic; the archive."""
