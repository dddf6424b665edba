"""The Celery app, configured from Settings (Redis as broker and result backend).

Start a worker with `celery -A workers.celery_app worker`, the scheduler with
`celery -A workers.celery_app beat`.
"""

from __future__ import annotations

from celery import Celery

from newsletter.config import get_settings

settings = get_settings()
redis_url = settings.redis_url or "redis://127.0.0.1:6379/0"

app = Celery("newsletter", broker=redis_url, backend=redis_url, include=["workers.tasks"])
app.conf.update(
    task_acks_late=True,  # a task is acknowledged after it ran, so a lost worker's task reruns
    task_reject_on_worker_lost=True,
    worker_prefetch_multiplier=1,
    task_serializer="json",
    accept_content=["json"],
    timezone="UTC",
)
