"""Settings: one typed class, read from the environment (prefix NEWSLETTER_) and an optional `.env`.

Every setting has an embedded default so that a fresh machine runs with no services at all:
a SQLite file, no Redis (everything in-process), the outbox transport, the offline summarizer.
`load_settings()` checks them at start-up and raises `SettingsError` naming the bad setting.
"""

from __future__ import annotations

import ipaddress
from functools import lru_cache
from typing import Literal

from pydantic import ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

OFFLINE_MODEL = "offline/extractive"
ADMIN_PASSWORD_MIN = 12


class SettingsError(Exception):
    """A setting is missing or malformed; the message names it."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="NEWSLETTER_", env_file=".env", extra="ignore")

    database_url: str = "sqlite:///newsletter.db"
    redis_url: str | None = None
    # Celery (used only with NEWSLETTER_REDIS_URL): seconds before an unacknowledged task is
    # handed to another worker; longer than the longest task, or it runs twice.
    visibility_timeout: int = 3600
    # seconds a process's hold on delivery rows and locks lasts unless renewed (every third of
    # it, while the process lives): a dead process's readers are taken over after about this
    lease_seconds: float = 30.0
    # subscriber ids per delivery task; unset: one task per worker process answering at
    # dispatch (newsletter.queue.worker_processes), shares of 5,000 ids when none answers
    delivery_batch_size: int | None = None
    dispatch_interval: float = 900.0  # seconds between digest dispatches (beat)
    ingest_hours: str = "1,5,9,13,17,21"  # UTC hours of the scheduled ingests (beat)
    sources: str = ""
    fetch_deadline: float = 60.0  # seconds for one whole source download (all its requests)

    llm_model: str = OFFLINE_MODEL
    llm_api_base: str | None = None
    llm_fallbacks: str = ""
    llm_concurrency: int = 4
    llm_api_key: str | None = None  # unset: litellm reads the provider's own (OPENAI_API_KEY...)
    llm_timeout: float = 60.0  # seconds per call
    llm_rpm: float | None = None  # requests per minute per model; unset: no limit
    llm_daily_budget_usd: float | None = None  # past it, the offline summarizer (degraded)

    mail_backend: Literal["outbox", "smtp", "sendgrid"] = "outbox"
    outbox_dir: str = "outbox"
    smtp_url: str | None = None
    sendgrid_api_key: str | None = None
    sendgrid_api_url: str = "https://api.sendgrid.com"
    # where papers that a lab feed or Hugging Face names only by arXiv id get their metadata;
    # empty: no enrichment (fully offline runs)
    arxiv_api_url: str = "https://export.arxiv.org/api/query"
    sendgrid_webhook_public_key: str | None = None

    base_url: str = "http://localhost:8000"
    secret_key: str = "change-me-in-production"
    from_email: str = "Paper Digest <digest@localhost>"
    reply_to: str | None = None  # NEWSLETTER_REPLY_TO: where readers' replies go
    postal_address: str = "Paper Digest, 1 Example Street, 00000 Example City"
    site_name: str = "Paper Digest"
    list_id: str = "ml-papers.digest.localhost"
    taxonomy_file: str | None = None
    max_papers_per_digest: int = 25
    # abuse limits of the web app: token buckets in Redis when it is set (shared by every web
    # process), else in each process; "address" counts one mailbox, whatever its +tag
    signups_per_ip_per_hour: int = 20
    signups_per_address_per_hour: int = 5
    max_request_bytes: int = 16384
    # comma-separated addresses or networks of the reverse proxies whose X-Forwarded-For is
    # believed; empty: the client is whoever connects
    trusted_proxies: str = ""
    # the operator's page /admin (HTTP Basic, user "admin"); unset or empty: no such page (404)
    admin_password: str | None = None

    @field_validator("base_url")
    @classmethod
    def _absolute_base_url(cls, value: str) -> str:
        if not value.startswith(("http://", "https://")):
            raise ValueError("must be an absolute http(s) URL")
        return value.rstrip("/")

    @field_validator("database_url")
    @classmethod
    def _database_url(cls, value: str) -> str:
        from sqlalchemy.engine import make_url
        from sqlalchemy.exc import ArgumentError, NoSuchModuleError

        try:
            url = make_url(value)
        except ArgumentError:  # the message would repeat the URL, and its password
            raise ValueError("is not a database URL, e.g. sqlite:///newsletter.db or "
                             "postgresql+psycopg://user@host/dbname") from None
        try:
            url.get_dialect().import_dbapi()
        except NoSuchModuleError:
            raise ValueError(f"{url.drivername!r} is not a database this can use "
                             "(sqlite, postgresql+psycopg)") from None
        except ImportError as error:
            raise ValueError(f"the driver of {url.drivername!r} ({error.name}) is not installed; "
                             "for PostgreSQL use postgresql+psycopg://") from None
        return value

    @field_validator("redis_url")
    @classmethod
    def _redis_url(cls, value: str | None) -> str | None:
        if value and not value.startswith(("redis://", "rediss://", "unix://")):
            raise ValueError("must be a redis://host:port/db URL (rediss:// for TLS)")
        return value

    @field_validator("fetch_deadline", "lease_seconds")
    @classmethod
    def _positive_seconds(cls, value: float) -> float:
        if value <= 0:
            raise ValueError("must be a positive number of seconds")
        return value

    @field_validator("admin_password")
    @classmethod
    def _long_enough(cls, value: str | None) -> str | None:
        # anyone can try it over the internet: failures are rate-limited, but a short password
        # falls to a slow guesser anyway
        if value and len(value) < ADMIN_PASSWORD_MIN:
            raise ValueError(f"must be at least {ADMIN_PASSWORD_MIN} characters "
                             "(e.g. `python -c 'import secrets; print(secrets.token_urlsafe())'`)")
        return value or None

    @field_validator("sources")
    @classmethod
    def _source_specs(cls, value: str) -> str:
        from newsletter.sources import SourceSpec  # the parsers' package: only when set

        for item in _items(value):
            SourceSpec.parse(item)  # a ValueError names the bad one
        return value

    @field_validator("trusted_proxies")
    @classmethod
    def _proxy_networks(cls, value: str) -> str:
        for item in _items(value):
            ipaddress.ip_network(item, strict=False)  # a ValueError names the bad one
        return value

    @field_validator("llm_timeout", "llm_rpm", "llm_daily_budget_usd")
    @classmethod
    def _not_negative(cls, value: float | None) -> float | None:
        if value is not None and value < 0:
            raise ValueError("must not be negative")
        return value

    @field_validator("llm_concurrency", "max_papers_per_digest", "visibility_timeout",
                     "delivery_batch_size")
    @classmethod
    def _positive(cls, value: int | None) -> int | None:
        if value is not None and value < 1:
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
        return _items(self.sources)

    @property
    def sources_list(self) -> list:
        """The configured sources as SourceSpecs (checked at start-up)."""
        from newsletter.sources import SourceSpec

        return [SourceSpec.parse(item) for item in self.source_specs]

    @property
    def fallback_models(self) -> list[str]:
        return _items(self.llm_fallbacks)

    @property
    def trusted_proxy_networks(self) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
        return _networks(self.trusted_proxies)


@lru_cache(maxsize=8)  # read on every request that counts against a limit
def _networks(value: str) -> tuple:
    return tuple(ipaddress.ip_network(item, strict=False) for item in _items(value))


def _items(value: str) -> list[str]:
    """The items of a comma-separated setting."""
    return [item.strip() for item in value.split(",") if item.strip()]


def load_settings(**overrides) -> Settings:
    """Read and check the settings; raise SettingsError naming each bad one."""
    try:
        return Settings(**overrides)
    except ValidationError as error:
        problems = []
        for item in error.errors():
            field = ".".join(str(part) for part in item["loc"])
            name = f"NEWSLETTER_{field.upper()}" if field else "settings"
            message = item["msg"].removeprefix("Value error, ")  # pydantic's, for ValueErrors
            problems.append(f"{name}: {message}")
        raise SettingsError("; ".join(problems)) from None


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings, read once."""
    return load_settings()
