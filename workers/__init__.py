"""Celery workers: thin tasks that call the same functions as `newsletter run`."""
