"""The operator's figures: subscribers over time, recent runs, deliverability, sources and the
LLM budget. Computed once here, in SQL aggregates (GROUP BY day, never a row per subscriber in
Python), and read by both `/admin` (newsletter.web.admin) and `newsletter stats`."""
