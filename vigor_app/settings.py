"""Every setting Vigor reads from the environment, in one place.

Values come from environment variables (or a `.env` file in the working directory).
`.env.example` lists each one. No secret has a default: a missing SECRET_KEY is
generated once and kept in the data directory.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path
from urllib.parse import urlsplit

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

MAX_BACKEND_WORKERS = 8  # Reflex's own cap (reflex.utils.processes)
SECRET_KEY_FILE = "secret_key"  # noqa: S105  (a file name, not a secret)
VAPID_KEY_FILE = "vapid_private_key.pem"  # Web Push's signing key (services/notifications/vapid.py)


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", extra="ignore", env_prefix="")

    # Where Vigor keeps its files: the embedded SQLite database and the generated secret key.
    data_dir: Path = Field(default=Path("data"), alias="VIGOR_DATA_DIR")
    # SQLAlchemy URL; empty means SQLite at <data_dir>/vigor.db.
    database_url: str = Field(default="", alias="DATABASE_URL")
    secret_key: SecretStr | None = Field(default=None, alias="SECRET_KEY")
    # Public address people use to reach the app: used in e-mailed links and OIDC redirects.
    app_url: str = Field(default="http://localhost:3000", alias="APP_URL")
    log_level: str = Field(default="INFO", alias="LOG_LEVEL")
    # "text" (one readable line per record) or "json" (one JSON object per line, for a log
    # collector): vigor_app/observability/json_logs.py.
    log_format: str = Field(default="text", alias="LOG_FORMAT")

    # Operators' metrics and traces (docs/operations.md, "Metrics, traces and logs"). /metrics
    # answers only a bearer token equal to METRICS_TOKEN; unset, it answers 404.
    metrics_token: SecretStr | None = Field(default=None, alias="METRICS_TOKEN")
    # OpenTelemetry spans are made and sent over OTLP/HTTP only when this is set (the collector's
    # base address, e.g. http://127.0.0.1:4318); empty: tracing is off.
    otel_exporter_otlp_endpoint: str = Field(default="", alias="OTEL_EXPORTER_OTLP_ENDPOINT")
    otel_service_name: str = Field(default="vigor", alias="OTEL_SERVICE_NAME")

    # Several workers (docs/operations.md). With REDIS_URL set, Reflex keeps every tab's state
    # in Redis and starts GRANIAN_WORKERS backend processes (default 2 x cores + 1, at most 8);
    # empty keeps the embedded shape: one process, state on disk.
    redis_url: str = Field(default="", alias="REDIS_URL")
    # PostgreSQL connections one instance's workers may open together; each worker's pool gets
    # its share. DB_POOL_SIZE / DB_MAX_OVERFLOW set a worker's pool directly (0 / -1: from the share).
    db_max_connections: int = Field(default=60, ge=1, alias="DB_MAX_CONNECTIONS")
    db_pool_size: int = Field(default=0, ge=0, alias="DB_POOL_SIZE")
    db_max_overflow: int = Field(default=-1, ge=-1, alias="DB_MAX_OVERFLOW")

    # Accounts and sessions.
    session_ttl_hours: int = Field(default=24 * 14, ge=1, alias="SESSION_TTL_HOURS")
    login_max_failures: int = Field(default=5, ge=1, alias="LOGIN_MAX_FAILURES")
    login_max_failures_per_address: int = Field(default=5, ge=1, alias="LOGIN_MAX_FAILURES_PER_ADDRESS")
    login_window_minutes: int = Field(default=15, ge=1, alias="LOGIN_WINDOW_MINUTES")
    login_lockout_minutes: int = Field(default=15, ge=1, alias="LOGIN_LOCKOUT_MINUTES")
    password_reset_ttl_minutes: int = Field(default=60, ge=5, alias="PASSWORD_RESET_TTL_MINUTES")

    # The public API (/api/v1): requests per minute per token (or per signed-in browser), the
    # tighter allowance of its AI endpoints, and the largest request body it reads.
    api_rate_per_minute: int = Field(default=600, ge=1, alias="API_RATE_PER_MINUTE")
    api_ai_rate_per_minute: int = Field(default=20, ge=1, alias="API_AI_RATE_PER_MINUTE")
    api_max_body_bytes: int = Field(default=256 * 1024, ge=1024, alias="API_MAX_BODY_BYTES")

    # First administrator, created on start when both are set and no admin exists yet.
    admin_email: str = Field(default="", alias="ADMIN_EMAIL")
    admin_username: str = Field(default="admin", alias="ADMIN_USERNAME")
    admin_password: SecretStr | None = Field(default=None, alias="ADMIN_PASSWORD")

    # Outgoing e-mail; without SMTP_HOST, e-mails (password-reset links) go to the server log.
    smtp_host: str = Field(default="", alias="SMTP_HOST")
    smtp_port: int = Field(default=587, alias="SMTP_PORT")
    smtp_username: str = Field(default="", alias="SMTP_USERNAME")
    smtp_password: SecretStr | None = Field(default=None, alias="SMTP_PASSWORD")
    smtp_from: str = Field(default="Vigor <no-reply@localhost>", alias="SMTP_FROM")
    smtp_security: str = Field(default="starttls", alias="SMTP_SECURITY")  # starttls | ssl | none

    # Sign-in with an OpenID Connect provider (Microsoft Entra ID, Google, any issuer).
    oidc_issuer: str = Field(default="", alias="OIDC_ISSUER")
    oidc_client_id: str = Field(default="", alias="OIDC_CLIENT_ID")
    oidc_client_secret: SecretStr | None = Field(default=None, alias="OIDC_CLIENT_SECRET")
    oidc_provider_name: str = Field(default="single sign-on", alias="OIDC_PROVIDER_NAME")

    # AI gateway. The provider keys below only seed the provider table on first start
    # (services/ai/provider_bootstrap.py); after that admins manage providers in the app.
    openai_api_key: SecretStr | None = Field(default=None, alias="OPENAI_API_KEY")
    openai_model: str = Field(default="gpt-4o-mini", alias="OPENAI_MODEL")
    # Empty: https://api.openai.com/v1. Any other URL without OPENAI_API_KEY (Ollama, vLLM,
    # llama.cpp) becomes an "openai_compatible" provider.
    openai_base_url: str = Field(default="", alias="OPENAI_BASE_URL")
    azure_openai_endpoint: str = Field(default="", alias="AZURE_OPENAI_ENDPOINT")
    azure_openai_api_key: SecretStr | None = Field(default=None, alias="AZURE_OPENAI_API_KEY")
    azure_openai_deployment: str = Field(default="", alias="AZURE_OPENAI_DEPLOYMENT")
    azure_openai_api_version: str = Field(default="2024-10-21", alias="AZURE_OPENAI_API_VERSION")
    gemini_api_key: SecretStr | None = Field(default=None, alias="GEMINI_API_KEY")
    gemini_model: str = Field(default="gemini-2.0-flash", alias="GEMINI_MODEL")
    perplexity_api_key: SecretStr | None = Field(default=None, alias="PERPLEXITY_API_KEY")
    perplexity_model: str = Field(default="sonar", alias="PERPLEXITY_MODEL")
    # Seconds one provider call may take before the gateway moves on (new providers' default).
    ai_timeout_seconds: float = Field(default=30.0, gt=0, le=600, alias="AI_TIMEOUT_SECONDS")
    # Seconds a whole reply may take, however steadily it streams (the timeout above is per wait).
    ai_reply_deadline_seconds: float = Field(default=120.0, gt=0, le=1800,
                                             alias="AI_REPLY_DEADLINE_SECONDS")
    # Seconds a request waits for calls in flight to settle when their reservations fill a budget.
    ai_budget_wait_seconds: float = Field(default=5.0, ge=0, le=60, alias="AI_BUDGET_WAIT_SECONDS")
    # Identical requests (same person, same context) within this many seconds are served from cache.
    ai_cache_ttl_seconds: int = Field(default=3600, ge=0, alias="AI_CACHE_TTL_SECONDS")
    # A provider's circuit opens after this many consecutive failures, and lets one trial
    # call through after the cooldown.
    ai_circuit_failures: int = Field(default=5, ge=1, alias="AI_CIRCUIT_FAILURES")
    ai_circuit_cooldown_seconds: int = Field(default=60, ge=1, alias="AI_CIRCUIT_COOLDOWN_SECONDS")
    # End of the AI gateway block.

    # Scheduler (services/scheduler.py; docs/coach.md). Every worker process may run it:
    # the database claim makes each daily message exactly-once.
    scheduler_enabled: bool = Field(default=True, alias="SCHEDULER_ENABLED")
    # Seconds between two looks for people due their daily motivation message.
    scheduler_interval_seconds: int = Field(default=300, ge=10, le=3600, alias="SCHEDULER_INTERVAL_SECONDS")
    # End of the scheduler block.

    # Web Push (docs/offline.md#notifications-web-push). The VAPID private key (PEM, or the raw
    # key in base64url) signs every push; empty: generated once and kept in the data directory.
    # The subject names who sends (mailto: or https:); empty: ADMIN_EMAIL, else APP_URL when it is
    # https, else mailto:webpush@localhost (which some push services refuse).
    vapid_private_key: SecretStr | None = Field(default=None, alias="VAPID_PRIVATE_KEY")
    vapid_subject: str = Field(default="", alias="VAPID_SUBJECT")
    # Tests only: accept push endpoints on http://127.0.0.1 (a push service must be https).
    push_allow_loopback: bool = Field(default=False, alias="PUSH_ALLOW_LOOPBACK")
    # Seconds one push service may take to answer before the push is given up (the row is kept).
    push_timeout_seconds: float = Field(default=10.0, gt=0, le=60, alias="PUSH_TIMEOUT_SECONDS")

    @field_validator("log_format")
    @classmethod
    def _known_log_format(cls, value: str) -> str:
        value = value.lower().strip()
        if value not in {"text", "json"}:
            raise ValueError("LOG_FORMAT must be text or json")
        return value

    @field_validator("smtp_security")
    @classmethod
    def _known_security(cls, value: str) -> str:
        value = value.lower().strip()
        if value not in {"starttls", "ssl", "none"}:
            raise ValueError("SMTP_SECURITY must be starttls, ssl or none")
        return value

    @property
    def resolved_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'vigor.db').resolve()}"

    @property
    def backend_workers(self) -> int:
        """How many backend processes one instance runs (as Reflex counts them)."""
        explicit = os.environ.get("GRANIAN_WORKERS", "").strip()
        if explicit.isdigit() and int(explicit) > 0:
            return int(explicit)
        if not self.redis_url:
            return 1
        return min((os.cpu_count() or 1) * 2 + 1, MAX_BACKEND_WORKERS)

    @property
    def oidc_enabled(self) -> bool:
        return bool(self.oidc_issuer and self.oidc_client_id)

    def resolved_secret_key(self) -> str:
        """SECRET_KEY, or the one generated on first use and kept in the data directory."""
        if self.secret_key is not None and self.secret_key.get_secret_value():
            return self.secret_key.get_secret_value()
        path = self.data_dir / SECRET_KEY_FILE
        if path.exists():
            return path.read_text().strip()
        self.data_dir.mkdir(parents=True, exist_ok=True)
        key = secrets.token_urlsafe(48)
        path.touch(mode=0o600)
        path.write_text(key)
        return key

    def resolved_vapid_private_key(self, generate: Callable[[], str]) -> str:
        """VAPID_PRIVATE_KEY, or the key `generate()` made on first use, kept (owner-only) in
        the data directory like the secret key."""
        if self.vapid_private_key is not None and self.vapid_private_key.get_secret_value().strip():
            return self.vapid_private_key.get_secret_value().strip()
        path = self.data_dir / VAPID_KEY_FILE
        if not path.exists():
            # Written beside it, then linked into place: of workers racing at first start, the
            # first link wins and every worker signs with that one key.
            self.data_dir.mkdir(parents=True, exist_ok=True)
            draft = path.with_name(f"{VAPID_KEY_FILE}.{os.getpid()}.{secrets.token_hex(4)}")
            draft.touch(mode=0o600)
            try:
                draft.write_text(generate())
                os.link(draft, path)
            except FileExistsError:
                pass
            finally:
                draft.unlink(missing_ok=True)
        return path.read_text().strip()

    @property
    def resolved_vapid_subject(self) -> str:
        if self.vapid_subject.strip():
            return self.vapid_subject.strip()
        if self.admin_email.strip():
            return "mailto:" + self.admin_email.strip()
        app = urlsplit(self.app_url)
        if app.scheme == "https" and app.hostname and not app.port:
            return f"https://{app.hostname}"
        return "mailto:webpush@localhost"  # push services may refuse it: set VAPID_SUBJECT


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()


def reload_settings() -> Settings:
    """Forget the cached settings (tests change the environment between cases)."""
    get_settings.cache_clear()
    return get_settings()
