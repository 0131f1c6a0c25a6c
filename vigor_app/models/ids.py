"""Ids that are never handed out twice, and the id of a row that has one.

The audit log names people, upgrade requests, providers and overrides by id, and links
(``/log?session=<id>``) name workouts. SQLite reuses the largest rowid after a delete unless
the table is declared AUTOINCREMENT; PostgreSQL's identity sequences never go back. Tables in
``NEVER_REUSED_TABLES`` carry ``NEVER_REUSED`` in their ``__table_args__`` (migration 0009).
"""

from __future__ import annotations

from typing import Any, Protocol

NEVER_REUSED: dict[str, Any] = {"sqlite_autoincrement": True}
NEVER_REUSED_TABLES: tuple[str, ...] = (
    "users", "upgrade_requests", "ai_providers", "ai_quota_overrides", "workout_sessions",
    "ai_routes", "ai_switches", "ai_experiments",
)


class _Row(Protocol):
    @property
    def id(self) -> int | None: ...


def saved_id(row: _Row) -> int:
    """The id of a row read from the database or flushed to it: the database has set it by
    then (a table's ``id`` is None only on a new row not yet flushed)."""
    if row.id is None:
        raise ValueError(f"{type(row).__name__} has no id yet: flush it first")
    return row.id
