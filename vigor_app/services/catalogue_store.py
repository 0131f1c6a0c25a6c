"""Keeps the `exercises` table in step with vigor_app/data/exercises.json (idempotent).

The plan engine reads the catalogue from the file, in memory; the table lets logged sets,
imports and a person's custom exercises refer to exercises by id. An entry removed from
the file is marked retired, never deleted, so old logs keep their names.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, select

from vigor_app.clock import utcnow
from vigor_app.models import Exercise
from vigor_app.services import catalogue


@dataclass(frozen=True)
class SyncReport:
    added: int
    updated: int
    retired: int


def sync_catalogue(session: Session, *, now: datetime | None = None) -> SyncReport:
    """Insert new catalogue entries, update changed ones, retire removed ones."""
    now = now or utcnow()
    existing = {row.id: row for row in session.exec(select(Exercise).where(Exercise.is_custom.is_(False)))}
    added = updated = retired = 0
    seen: set[str] = set()
    for entry in catalogue.all_exercises():
        seen.add(entry.id)
        details = entry.to_dict()
        row = existing.get(entry.id)
        if row is None:
            session.add(Exercise(id=entry.id, name=entry.name, pattern=entry.pattern, level=entry.level,
                                 details=details, updated_at=now))
            added += 1
        elif (row.name, row.pattern, row.level, row.details, row.retired) != (
                entry.name, entry.pattern, entry.level, details, False):
            row.name, row.pattern, row.level, row.details, row.retired = (
                entry.name, entry.pattern, entry.level, details, False)
            row.updated_at = now
            session.add(row)
            updated += 1
    for exercise_id, row in existing.items():
        if exercise_id not in seen and not row.retired:
            row.retired = True
            row.updated_at = now
            session.add(row)
            retired += 1
    return SyncReport(added=added, updated=updated, retired=retired)
