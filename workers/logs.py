"""Structured logs: one JSON object a line, with the Celery task's id and name and whatever ids
the caller passed in `extra` (run_id, edition_id, first_id, last_id...)."""

from __future__ import annotations

import datetime as dt
import json
import logging

from celery import current_task

# what every LogRecord has; anything else on a record came from `extra`
_STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", (), None))) | {"message", "asctime"}


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": dt.datetime.fromtimestamp(record.created, dt.UTC).isoformat(),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        task = current_task
        if task and task.request.id:
            entry["task_id"], entry["task"] = task.request.id, task.name
        entry.update({key: value for key, value in vars(record).items()
                      if key not in _STANDARD and not key.startswith("_")})
        if record.exc_info:
            entry["error"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str)


def use_json(logger: logging.Logger) -> None:
    """Make every handler of `logger` write JSON lines."""
    for handler in logger.handlers:
        handler.setFormatter(JsonFormatter())
