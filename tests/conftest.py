"""Shared fixtures: every test that touches the database gets its own, migrated by Alembic."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from vigor_app import db, startup
from vigor_app.observability import tracing
from vigor_app.settings import reload_settings

# Settings a developer's shell or .env might carry; tests start from none of them.
_ENV_TO_CLEAR = [
    "DATABASE_URL", "SECRET_KEY", "APP_URL", "ADMIN_EMAIL", "ADMIN_PASSWORD", "ADMIN_USERNAME",
    "SMTP_HOST", "SMTP_PORT", "SMTP_USERNAME", "SMTP_PASSWORD", "SMTP_FROM", "SMTP_SECURITY",
    "OIDC_ISSUER", "OIDC_CLIENT_ID", "OIDC_CLIENT_SECRET", "OIDC_PROVIDER_NAME",
    "SESSION_TTL_HOURS", "LOGIN_MAX_FAILURES", "LOGIN_WINDOW_MINUTES", "LOGIN_LOCKOUT_MINUTES",
    "REDIS_URL", "GRANIAN_WORKERS", "DB_MAX_CONNECTIONS", "DB_POOL_SIZE", "DB_MAX_OVERFLOW",
    "VAPID_PRIVATE_KEY", "VAPID_SUBJECT", "PUSH_ALLOW_LOOPBACK", "PUSH_TIMEOUT_SECONDS",
    "LOG_FORMAT", "METRICS_TOKEN", "OTEL_EXPORTER_OTLP_ENDPOINT", "OTEL_SERVICE_NAME",
]
# AI provider settings: the suite never talks to a real provider.
_ENV_PREFIXES_TO_CLEAR = ("OPENAI_", "AZURE_OPENAI_", "GEMINI_", "PERPLEXITY_", "AI_")


# argon2id at its real cost (OWASP's parameters) for the tests that are about hashing; every
# other test hashes cheaply: accounts still come from the real services, only slower to guess.
CHEAP_ARGON2 = {"time_cost": 1, "memory_cost": 1024, "parallelism": 1}


@pytest.fixture(autouse=True)
def cheap_password_hashing(request, monkeypatch):
    """Lower argon2id's cost unless the test is marked ``real_password_hashing``."""
    if request.node.get_closest_marker("real_password_hashing"):
        yield
        return
    from argon2 import PasswordHasher, Type

    from vigor_app.services.accounts import passwords

    monkeypatch.setattr(passwords, "_hasher", PasswordHasher(type=Type.ID, **CHEAP_ARGON2))
    passwords._dummy_hash.cache_clear()
    yield
    passwords._dummy_hash.cache_clear()


@pytest.fixture(scope="session")
def migrated_template(tmp_path_factory) -> Path:
    """A SQLite database migrated to head once; each test gets a copy."""
    path = tmp_path_factory.mktemp("template") / "vigor.db"
    startup.migrate(f"sqlite:///{path}")
    return path


@pytest.fixture
def vigor_env(tmp_path, monkeypatch):
    """A clean environment with its own data directory and settings."""
    for name in _ENV_TO_CLEAR + [n for n in os.environ if n.startswith(_ENV_PREFIXES_TO_CLEAR)]:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("VIGOR_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("SECRET_KEY", "test-secret-key-not-for-production")
    monkeypatch.chdir(tmp_path)  # no stray .env file is read
    reload_settings()
    db.dispose_engine()
    yield monkeypatch
    db.dispose_engine()
    reload_settings()


@pytest.fixture
def database(vigor_env, migrated_template, tmp_path) -> str:
    """A fresh, migrated SQLite database for one test; returns its URL."""
    path = tmp_path / "data" / "vigor.db"
    path.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy(migrated_template, path)
    url = f"sqlite:///{path}"
    vigor_env.setenv("DATABASE_URL", url)
    reload_settings()
    db.dispose_engine()
    return url


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def sqlite_and_postgres(request, database, vigor_env) -> str:
    """Run the test twice: on its migrated SQLite database, then on a throwaway, migrated
    PostgreSQL database (skipped, saying why, when PostgreSQL is not reachable). Returns the
    backend's name; DATABASE_URL points at it."""
    if request.param == "sqlite":
        yield "sqlite"
        return
    from tests.postgres import migrated_database

    with migrated_database("vigor_race", vigor_env):
        yield "postgresql"


# --- the local OpenAI-compatible test server (tests/fakes/openai_server.py) -----------------


@pytest.fixture(scope="module")
def openai_server():
    """A real HTTP server speaking the OpenAI API on 127.0.0.1, one per test module."""
    from tests.fakes.openai_server import run_openai_server

    with run_openai_server() as server:
        yield server


@pytest.fixture
def spans(database):
    """Tracing on, into memory (OpenTelemetry's in-memory exporter), for this test; off after."""
    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    tracing.start(provider)
    try:
        yield exporter
    finally:
        tracing.stop()


@pytest.fixture
def server(openai_server):
    """The module's test server, with no scripted replies or recorded calls left over."""
    openai_server.reset()
    yield openai_server
    openai_server.reset()


@pytest.fixture
def ai(database, vigor_env):
    """A migrated database and a clean AI configuration (`vigor_env` already dropped every
    OPENAI_/AZURE_OPENAI_/GEMINI_/PERPLEXITY_/AI_ variable)."""
    return vigor_env

