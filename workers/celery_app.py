"""The Celery app, configured from Settings (Redis as broker and result backend), and the beat
schedule. A composition root: the tasks get their adapters from `workers.tasks.services()`.

Start a worker with `celery -A workers.celery_app worker`, the scheduler with
`celery -A workers.celery_app beat` (the Procfile has both).
"""

from __future__ import annotations

from celery import Celery
from celery.schedules import crontab
from celery.signals import after_setup_logger, after_setup_task_logger

from newsletter.config import Settings, get_settings
from newsletter.queue import celery_config
from workers import logs

LOCAL_REDIS = "redis://127.0.0.1:6379/0"


def make_app(settings: Settings) -> Celery:
    """The app: late acknowledgement (a task lost with its worker runs again elsewhere), one task
    at a time per process, and the schedule of ingests and digest dispatches."""
    app = Celery("newsletter", include=["workers.tasks"])
    app.conf.update(celery_config(settings.model_copy(
        update={"redis_url": settings.redis_url or LOCAL_REDIS})))
    app.conf.update(
        task_acks_late=True,  # acknowledged after it ran: a task lost with its worker reruns
        task_reject_on_worker_lost=True,  # ... also when the pool process was killed
        worker_prefetch_multiplier=1,  # a slow task never holds others back in its prefetch
        # a connection loss lets running tasks finish (cancelling one mid-send would lose its
        # emails: the ledger never resends a row that went to "sending")
        worker_cancel_long_running_tasks_on_connection_loss=False,
        task_track_started=True,
        broker_connection_retry_on_startup=True,
        result_expires=24 * 3600,
        beat_schedule=beat_schedule(settings),
    )
    return app


def beat_schedule(settings: Settings) -> dict:
    """Ingest at `ingest_hours` (arXiv announces once a day, around midnight UTC; Hugging Face
    through the day); dispatch the digests due every `dispatch_interval` seconds; every lease
    period, send again the delivery batches whose worker died; send the queued lifecycle emails
    every minute (those whose enqueueing failed, and retries)."""
    return {
        "ingest": {"task": "workers.tasks.ingest_all",
                   "schedule": crontab(minute=0, hour=settings.ingest_hours)},
        "dispatch": {"task": "workers.tasks.dispatch",
                     "schedule": settings.dispatch_interval},
        "recover": {"task": "workers.tasks.recover", "schedule": settings.lease_seconds},
        "notices": {"task": "workers.tasks.send_notices", "schedule": 60.0},
    }


@after_setup_logger.connect
@after_setup_task_logger.connect
def _json_logs(logger, **_kwargs) -> None:
    logs.use_json(logger)


app = make_app(get_settings())
