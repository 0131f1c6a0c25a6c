"""What /health reports: whether the database answers, and the app's version."""

from __future__ import annotations

import time

from sqlalchemy import text

from vigor_app import __version__, db


def check() -> tuple[bool, dict]:
    """(healthy, report). Never raises: an unreachable database is a report, not an error."""
    started = time.perf_counter()
    database: dict = {"backend": "unknown"}
    try:
        engine = db.get_engine()
        database["backend"] = engine.dialect.name
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
            revision = connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
        database.update(status="ok", schema_revision=revision)
        healthy = True
    except Exception as exc:  # noqa: BLE001 - any failure means "unhealthy", reported by class
        database.update(status="unreachable", error=type(exc).__name__)
        healthy = False
    database["latency_ms"] = round((time.perf_counter() - started) * 1000, 2)
    return healthy, {"status": "ok" if healthy else "error", "version": __version__,
                     "database": database}
