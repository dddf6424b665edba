"""The concrete adapters (database, taxonomy, mailer, summarizer) built from Settings.

The composition roots (the CLI, the web app factory, the Celery app) each build one `Services`
and pass its parts down; nothing else reads Settings to choose an adapter.
"""

from __future__ import annotations

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
    def summarizer(self):
        from newsletter.summarize.llm import (
            LLMSummarizer,  # litellm is heavy: only when summarizing
        )

        s = self.settings
        return LLMSummarizer(s.llm_model, fallbacks=s.fallback_models, api_base=s.llm_api_base,
                             api_key=s.llm_api_key, timeout=s.llm_timeout,
                             requests_per_minute=s.llm_rpm)
