"""`newsletter demo`: the daily job on the bundled sample feeds and a few sample subscribers.

Everything lives in one folder (a SQLite file and an outbox), so the demo never touches an
operator's real database whatever NEWSLETTER_DATABASE_URL says.
"""

from __future__ import annotations

import shlex
from pathlib import Path
from urllib.parse import urlsplit

from sqlalchemy.orm import Session

from newsletter.config import Settings, load_settings
from newsletter.subscribers import subscriptions
from newsletter.summarize.topics import Taxonomy

SAMPLE_SUBSCRIBERS = [
    ("ada@example.org", ["Large Language Models", "NLP"]),
    ("grace@example.org", ["Computer Vision", "Robotics"]),
    ("alan@example.org", []),  # no topics chosen: every topic
    ("rich@example.org", ["Reinforcement Learning"]),
]


def demo_settings(folder: Path) -> Settings:
    folder.mkdir(parents=True, exist_ok=True)
    return load_settings(
        database_url=f"sqlite:///{(folder / 'newsletter.db').resolve()}",
        outbox_dir=str(folder / "outbox"),
        mail_backend="outbox",
        redis_url=None,
        arxiv_api_url="",  # the demo is offline: the samples name no paper they do not carry
    )


def seed_subscribers(session: Session, taxonomy: Taxonomy) -> None:
    """The sample subscribers, confirmed (idempotent)."""
    for email, topics in SAMPLE_SUBSCRIBERS:
        if subscriptions.find_subscriber(session, email) is None:
            subscriptions.subscribe(session, email, topics, taxonomy, confirmed=True)


def served_port(settings: Settings) -> int:
    """The port of the base URL: where the demo's emails' links lead."""
    parts = urlsplit(settings.base_url)
    return parts.port or (443 if parts.scheme == "https" else 80)


def serve_command(settings: Settings, program: str = "newsletter") -> str:
    """The one shell command that serves the demo's own database and outbox on the port its
    links use (a plain `newsletter serve` would open ./newsletter.db, where no link is valid)."""
    return (f"NEWSLETTER_DATABASE_URL={shlex.quote(settings.database_url)} "
            f"NEWSLETTER_OUTBOX_DIR={shlex.quote(str(Path(settings.outbox_dir).resolve()))} "
            f"{shlex.quote(program)} serve --port {served_port(settings)}")
