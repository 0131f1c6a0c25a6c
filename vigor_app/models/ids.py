"""Ids that are never handed out twice.

The audit log names people, upgrade requests, providers and overrides by id, and links
(``/log?session=<id>``) name workouts. SQLite reuses the largest rowid after a delete unless
the table is declared AUTOINCREMENT; PostgreSQL's identity sequences never go back. Tables in
``NEVER_REUSED_TABLES`` carry ``NEVER_REUSED`` in their ``__table_args__`` (migration 0009).
"""

from __future__ import annotations

from typing import Any

NEVER_REUSED: dict[str, Any] = {"sqlite_autoincrement": True}
NEVER_REUSED_TABLES: tuple[str, ...] = (
    "users", "upgrade_requests", "ai_providers", "ai_quota_overrides", "workout_sessions",
)
