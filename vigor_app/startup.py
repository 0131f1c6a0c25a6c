"""What happens once when the server starts: migrations, logging, the first admin."""

from __future__ import annotations

import ctypes
import ctypes.util
import logging
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlmodel import Session

from vigor_app.db import make_engine
from vigor_app.observability import json_logs
from vigor_app.services.accounts import accounts
from vigor_app.services.ai import provider_bootstrap
from vigor_app.services.catalogue import store as catalogue_store
from vigor_app.services.errors import VigorError
from vigor_app.settings import get_settings

log = logging.getLogger(__name__)
ROOT = Path(__file__).resolve().parent.parent


def alembic_config(database_url: str | None = None) -> Config:
    config = Config(str(ROOT / "alembic.ini"))
    config.set_main_option("script_location", str(ROOT / "alembic"))
    config.attributes["configure_logging"] = False
    if database_url:
        config.attributes["database_url"] = database_url
    return config


def migrate(database_url: str | None = None, revision: str = "head") -> None:
    """Bring the database schema to `revision` (Alembic is the only way the schema changes),
    then bring the exercise catalogue table in step with the catalogue file."""
    command.upgrade(alembic_config(database_url), revision)
    if revision == "head":
        engine = make_engine(database_url or get_settings().resolved_database_url)
        try:
            with Session(engine) as session:
                report = catalogue_store.sync_catalogue(session)
                session.commit()
        finally:
            engine.dispose()
        if report.added or report.updated or report.retired:
            log.info("Exercise catalogue: %d added, %d updated, %d retired",
                     report.added, report.updated, report.retired)


def configure_logging() -> None:
    """Log lines to stderr, readable text or JSON (LOG_FORMAT), the server's secrets taken out.
    JSON replaces whatever the root logger had, so that every line a collector reads parses."""
    settings = get_settings()
    level = settings.log_level.upper()
    logging.basicConfig(level=level, handlers=[json_logs.handler(settings)],
                        force=settings.log_format == "json")
    logging.getLogger("vigor_app").setLevel(level)


# glibc's malloc raises its mmap threshold to the largest block freed, so once a password was
# hashed (argon2id works in a 19 MiB buffer) later buffers come from the heap of the thread that
# hashed, which keeps them: every thread that ever hashed held 19 MiB for good (six threads:
# over 100 MB, which read as memory per connected person). A fixed threshold hands them back.
M_MMAP_THRESHOLD = -3  # glibc's mallopt parameter
MMAP_THRESHOLD_BYTES = 128 * 1024  # glibc's default


def return_large_buffers() -> bool:
    """Large allocations always mapped and unmapped (glibc); False where there is no mallopt."""
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        mallopt = libc.mallopt
    except (OSError, AttributeError):
        return False
    return bool(mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD_BYTES))


def check_worker_setup() -> list[str]:
    """Warnings about a several-worker setup that cannot work well; each is also logged."""
    settings = get_settings()
    problems = []
    if settings.backend_workers > 1 and not settings.redis_url:
        problems.append("GRANIAN_WORKERS is above 1 without REDIS_URL: each worker keeps its own page "
                        "state, and a tab that lands on another worker loses it. Set REDIS_URL.")
    if settings.redis_url and settings.resolved_database_url.startswith("sqlite"):
        problems.append("REDIS_URL is set with the embedded SQLite database: several workers will share "
                        "one SQLite file. Use PostgreSQL (DATABASE_URL) for several workers.")
    for problem in problems:
        log.warning(problem)
    return problems


def bootstrap_ai_providers() -> None:
    """Providers from OPENAI_API_KEY and friends, the first time the server starts."""
    created = provider_bootstrap.bootstrap_from_env()
    if created:
        log.info("AI providers created from the environment: %s", ", ".join(created))


def ensure_first_admin() -> None:
    """Create the admin from ADMIN_EMAIL / ADMIN_PASSWORD when set and no admin exists yet.
    Every worker runs this: the ones that lose the race find the admin made and start normally."""
    settings = get_settings()
    if not settings.admin_email or settings.admin_password is None or accounts.admin_exists():
        return
    try:
        admin = accounts.create_first_admin(settings.admin_email, settings.admin_password.get_secret_value(),
                                            settings.admin_username)
    except VigorError as exc:
        log.error("Could not create the first administrator from ADMIN_EMAIL / ADMIN_USERNAME / "
                  "ADMIN_PASSWORD%s: %s No administrator exists: fix the setting and restart, or run "
                  "python -m vigor_app create-admin.", f" ({exc.field})" if exc.field else "", exc.message)
        return
    if admin is None:
        log.info("The first administrator was created by another worker")
    else:
        log.info("Created the first administrator, %s", settings.admin_email)
