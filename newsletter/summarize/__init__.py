"""Summarize: one structured summary per paper through litellm (cached, within a budget), and
its topics from the taxonomy."""
