"""The task queue as the rest of the application sees it: Celery's settings, and work enqueued
by task name (nothing in `newsletter` imports `workers`; the web app and the CLI only name the
task), and the worker processes there are. Celery is imported only when something is enqueued.
"""

from __future__ import annotations

from newsletter.config import Settings

PIPELINE_TASK = "workers.tasks.run_pipeline"
NOTICES_TASK = "workers.tasks.send_notices"
ASK_WORKERS_SECONDS = 1.0  # how long the workers have to answer how many processes they run
PUBLISH_RETRY = {"max_retries": 2, "interval_start": 0, "interval_step": 0.5, "interval_max": 1}


def celery_config(settings: Settings) -> dict:
    """Celery's settings from ours: Redis as broker and result backend, and the one visibility
    timeout everywhere it applies (a task not acknowledged by then goes to another worker)."""
    timeout = settings.visibility_timeout
    restore_every = max(1, min(10, timeout // 10))  # look for lost tasks well within the timeout
    return {
        "broker_url": settings.redis_url,
        "result_backend": settings.redis_url,
        "broker_transport_options": {"visibility_timeout": timeout,
                                     "unacked_restore_interval": restore_every,
                                     "unacked_restore_throttle": 1},
        "result_backend_transport_options": {"visibility_timeout": timeout},
        "visibility_timeout": timeout,
        "task_serializer": "json",
        "result_serializer": "json",
        "accept_content": ["json"],
        "timezone": "UTC",
    }


def send_task(settings: Settings, name: str, *args) -> str:
    """Enqueue the task `name` with `args`; return its id. Needs NEWSLETTER_REDIS_URL."""
    from celery import Celery

    if not settings.redis_url:
        raise ValueError("NEWSLETTER_REDIS_URL is not set: there are no workers to send to")
    client = Celery("newsletter-client")
    client.conf.update(celery_config(settings))
    try:
        # A few quick tries, so the callers (a web request, a command) answer rather than hang;
        # no result is awaited (progress is followed in the database), so nothing subscribes to
        # the result backend either.
        return client.send_task(name, args=list(args), retry_policy=PUBLISH_RETRY,
                                ignore_result=True).id
    finally:
        client.close()


def worker_processes(app, timeout: float = ASK_WORKERS_SECONDS) -> int:
    """How many tasks the workers answering `app`'s broker within `timeout` seconds run at once:
    each worker's pool size (`--concurrency`), summed; 0 when none answers. A worker that died
    does not answer, so it is not counted."""
    stats = app.control.inspect(timeout=timeout).stats() or {}
    return sum(worker.get("pool", {}).get("max-concurrency", 1) for worker in stats.values())
