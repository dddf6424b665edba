"""Settings: one typed class, read from the environment (prefix NEWSLETTER_) and an optional `.env`.

Every setting has an embedded default so that a fresh machine runs with no services at all:
a SQLite file, no Redis (everything in-process), the outbox transport, the offline summarizer.
`load_settings()` checks them at start-up and raises `SettingsError` naming the bad setting.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Literal

from pydantic import ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

OFFLINE_MODEL = "offline/extractive"


class SettingsError(Exception):
    """A setting is missing or malformed; the message names it."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="NEWSLETTER_", env_file=".env", extra="ignore")

    database_url: str = "sqlite:///newsletter.db"
    redis_url: str | None = None
    sources: str = ""

    llm_model: str = OFFLINE_MODEL
    llm_api_base: str | None = None
    llm_fallbacks: str = ""
    llm_concurrency: int = 4

    mail_backend: Literal["outbox", "smtp", "sendgrid"] = "outbox"
    outbox_dir: str = "outbox"
    smtp_url: str | None = None
    sendgrid_api_key: str | None = None
    sendgrid_api_url: str = "https://api.sendgrid.com"
    sendgrid_webhook_public_key: str | None = None

    base_url: str = "http://localhost:8000"
    secret_key: str = "change-me-in-production"
    from_email: str = "Paper Digest <digest@localhost>"
    postal_address: str = "Paper Digest, 1 Example Street, 00000 Example City"
    site_name: str = "Paper Digest"
    list_id: str = "ml-papers.digest.localhost"
    taxonomy_file: str | None = None
    max_papers_per_digest: int = 25

    @field_validator("base_url")
    @classmethod
    def _absolute_base_url(cls, value: str) -> str:
        if not value.startswith(("http://", "https://")):
            raise ValueError("must be an absolute http(s) URL")
        return value.rstrip("/")

    @field_validator("llm_concurrency", "max_papers_per_digest")
    @classmethod
    def _positive(cls, value: int) -> int:
        if value < 1:
            raise ValueError("must be at least 1")
        return value

    @model_validator(mode="after")
    def _transport_has_its_settings(self) -> Settings:
        if self.mail_backend == "smtp" and not self.smtp_url:
            raise ValueError("NEWSLETTER_SMTP_URL is required when NEWSLETTER_MAIL_BACKEND=smtp")
        if self.mail_backend == "sendgrid" and not self.sendgrid_api_key:
            raise ValueError(
                "NEWSLETTER_SENDGRID_API_KEY is required when NEWSLETTER_MAIL_BACKEND=sendgrid"
            )
        return self

    @property
    def source_specs(self) -> list[str]:
        """The configured sources as `KIND=URL` strings."""
        return [item.strip() for item in self.sources.split(",") if item.strip()]

    @property
    def fallback_models(self) -> list[str]:
        return [item.strip() for item in self.llm_fallbacks.split(",") if item.strip()]


def load_settings(**overrides) -> Settings:
    """Read and check the settings; raise SettingsError naming each bad one."""
    try:
        return Settings(**overrides)
    except ValidationError as error:
        problems = []
        for item in error.errors():
            field = ".".join(str(part) for part in item["loc"])
            name = f"NEWSLETTER_{field.upper()}" if field else "settings"
            problems.append(f"{name}: {item['msg']}")
        raise SettingsError("; ".join(problems)) from None


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings, read once."""
    return load_settings()
