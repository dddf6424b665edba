"""The concrete adapters (database, taxonomy, mailer, summarizer) built from Settings.

The composition roots (the CLI, the web app factory, the Celery app) each build one `Services`
and pass its parts down; nothing else reads Settings to choose an adapter.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from newsletter.config import Settings
from newsletter.db import make_engine, make_session_factory
from newsletter.mail import Mailer
from newsletter.summarize.topics import Taxonomy, load_taxonomy


@dataclass
class Services:
    settings: Settings

    @cached_property
    def engine(self) -> Engine:
        return make_engine(self.settings.database_url)

    @cached_property
    def factory(self) -> sessionmaker[Session]:
        return make_session_factory(self.engine)

    @cached_property
    def taxonomy(self) -> Taxonomy:
        return load_taxonomy(self.settings.taxonomy_file)

    @cached_property
    def mailer(self) -> Mailer:
        from newsletter.mail.transports import build_mailer

        return build_mailer(self.settings)

    @cached_property
    def summarizer(self) -> DeferredSummarizer:
        """The configured model's summarizer, built when a first summary is asked of it."""
        return DeferredSummarizer(self.settings.llm_model, self._build_summarizer)

    def _build_summarizer(self):
        from newsletter.summarize.llm import LLMSummarizer

        s = self.settings
        return LLMSummarizer(s.llm_model, fallbacks=s.fallback_models, api_base=s.llm_api_base,
                             api_key=s.llm_api_key, timeout=s.llm_timeout,
                             requests_per_minute=s.llm_rpm)


class DeferredSummarizer:
    """A Summarizer (newsletter.summarize.summaries) that builds the real one on its first
    `summarize` call. Building it imports litellm: seconds and most of a run's memory, which a
    day whose summaries are all cached (the cache is looked up by `model` alone) never pays."""

    def __init__(self, model: str, build: Callable[[], object]) -> None:
        self.model = model
        self._build, self._built = build, None
        self._lock = threading.Lock()  # summaries are asked for from several threads at once

    def summarize(self, request, topic_names, budget=None):
        return self.built().summarize(request, topic_names, budget)

    def built(self):
        """The real summarizer, built once."""
        with self._lock:
            if self._built is None:
                self._built = self._build()
            return self._built
