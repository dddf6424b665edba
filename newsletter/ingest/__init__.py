"""Ingest: records from the sources become papers (one per work), and each source's health."""
