"""The one settings class: every option, its default and meaning, from DULUAN_* variables."""

from __future__ import annotations

import os
import secrets
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

SECRET_FILE = ".secret_key"  # noqa: S105 - the file under DATA_DIR keeping the development secret


class Settings(BaseSettings):
    """Deployment settings. Each field is documented in docs/settings.md (a test checks that)."""

    model_config = SettingsConfigDict(env_prefix="DULUAN_", env_file=".env", extra="ignore")

    environment: Literal["development", "test", "production"] = Field(
        "development", description="development, test or production; production refuses defaults."
    )
    secret_key: str = Field(
        "",
        description="Signs session cookies and keys author hashes. Required outside development; "
        "in development a random one is kept in DATA_DIR/.secret_key.",
    )
    data_dir: Path = Field(
        Path("var"), description="Directory for the embedded database, uploads and generated files."
    )
    database_url: str = Field(
        "",
        description="SQLAlchemy URL; empty means SQLite at DATA_DIR/duluan.sqlite3.",
    )
    host: str = Field("127.0.0.1", description="Address that `duluan serve` listens on.")
    port: int = Field(8000, ge=1, le=65535, description="Port that `duluan serve` listens on.")
    default_locale: Literal["vi", "en"] = Field("vi", description="Interface language by default.")
    session_max_age_seconds: int = Field(
        8 * 3600, ge=60, description="A login session expires after this many idle seconds."
    )
    secure_cookies: bool = Field(False, description="Mark cookies Secure (set true behind HTTPS).")
    login_max_failures: int = Field(
        5, ge=1, description="Failed logins for one username within the window before refusing."
    )
    login_failure_window_seconds: int = Field(
        900, ge=60, description="Window over which failed logins are counted."
    )
    max_request_bytes: int = Field(
        10 * 1024 * 1024, ge=1024, description="Largest request body accepted, in bytes."
    )
    admin_username: str = Field("admin", description="Login of the first administrator.")
    admin_password: str = Field(
        "", description="Password of the first administrator; empty means generate and print once."
    )
    source_allowed_networks: str = Field(
        "",
        description="Private networks sources may point at (comma-separated CIDRs, e.g. "
        "10.0.0.0/8); empty means public addresses only.",
    )
    fetch_timeout_seconds: float = Field(
        20.0, gt=0, description="A fetch that takes longer than this fails (connect and read)."
    )
    fetch_max_bytes: int = Field(
        5 * 1024 * 1024, ge=1024, description="Largest response read from a source, in bytes."
    )
    fetch_host_interval_seconds: float = Field(
        1.0, ge=0, description="Least time between two requests to the same host."
    )
    fetch_user_agent: str = Field(
        "duluan/0.1 (+public opinion research; respects robots.txt)",
        description="User-Agent sent to sources (robots.txt rules for it are obeyed).",
    )
    redis_url: str = Field(
        "", description="Redis URL of the Celery broker; empty means jobs run in-process."
    )
    public_url: str = Field(
        "http://127.0.0.1:8000",
        description="The address people open the platform at; links in e-mails start with it.",
    )
    smtp_host: str = Field("", description="SMTP server for alert e-mails; empty means no e-mail.")
    smtp_port: int = Field(25, ge=1, le=65535, description="Port of the SMTP server.")
    smtp_user: str = Field("", description="SMTP login; empty means send without logging in.")
    smtp_password: str = Field("", description="SMTP password of SMTP_USER.")
    smtp_from: str = Field(
        "duluan@localhost", description="Sender address of alert e-mails (From)."
    )
    smtp_starttls: bool = Field(
        False, description="Upgrade the SMTP connection with STARTTLS before logging in."
    )
    smtp_timeout_seconds: float = Field(
        20.0, gt=0, description="An SMTP connection or command taking longer than this fails."
    )

    @model_validator(mode="after")
    def _require_a_real_secret(self) -> Settings:
        if not self.secret_key and self.environment == "development":
            self.secret_key = _development_secret(self.data_dir)
        if not self.secret_key:
            raise ValueError(
                "DULUAN_SECRET_KEY must be set to a long random value outside development"
            )
        if len(self.secret_key) < 32:
            raise ValueError("DULUAN_SECRET_KEY must be at least 32 characters")
        return self

    @property
    def effective_database_url(self) -> str:
        """The configured database, or the embedded SQLite file under the data directory."""
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'duluan.sqlite3').resolve()}"


def _development_secret(data_dir: Path) -> str:
    """A random secret kept beside the embedded database: no shared default signs cookies."""
    path = data_dir / SECRET_FILE
    if not path.exists():
        data_dir.mkdir(parents=True, exist_ok=True)
        with os.fdopen(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "w") as handle:
            handle.write(secrets.token_urlsafe(48))
    return path.read_text(encoding="ascii").strip()


@lru_cache
def get_settings() -> Settings:
    """The process-wide settings, read once from the environment."""
    return Settings()
