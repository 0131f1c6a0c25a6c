"""The `exercises` table: kept in step with vigor_app/data/exercises.json (idempotent), and
the one rule for who may use which exercise id.

The plan engine reads the catalogue from the file, in memory; the table lets logged sets,
imports and a person's custom exercises refer to exercises by id. An entry removed from
the file is marked retired, never deleted, so old logs keep their names.

Who may use an exercise (`usable_exercises`, `require_usable`, `names`, `search`): every
catalogue entry (retired ones too) is everyone's; a custom exercise belongs to its owner
alone. Another person's custom exercise id is treated exactly like an id that does not
exist (same message, same result), so ids cannot be used to find out which names exist.
Every service that takes an exercise id from the browser, or shows the name of one, asks
here.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, or_
from sqlmodel import Session, col, select

from vigor_app.clock import utcnow
from vigor_app.models import Exercise
from vigor_app.services.catalogue import catalogue, exercise_search
from vigor_app.services.errors import ValidationError

UNKNOWN_EXERCISE = "That exercise is not in the library."
EXERCISE_ID_LENGTH = 80  # the column's length: anything longer names no exercise
MAX_SEARCH_LENGTH = 100
MAX_OWN_SEARCHED = 2000  # a person's custom exercises matched by a search (imports make many)


@dataclass(frozen=True)
class SyncReport:
    added: int
    updated: int
    retired: int


def sync_catalogue(session: Session, *, now: datetime | None = None) -> SyncReport:
    """Insert new catalogue entries, update changed ones, retire removed ones."""
    now = now or utcnow()
    existing = {row.id: row for row in session.exec(select(Exercise).where(col(Exercise.is_custom).is_(False)))}
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


# ---------------------------------------------------------------------------------------
# Who may use which exercise


@dataclass(frozen=True)
class UsableExercise:
    """An exercise a person may log, see and search: a catalogue entry or their own."""

    id: str
    name: str
    timed: bool
    custom: bool
    distance: bool = False  # logged with a distance as well as a time (the "distance" tag)


def _logs_distance(details: object) -> bool:
    return isinstance(details, dict) and "distance" in (details.get("tags") or ())


def visible_to(user_id: int) -> ColumnElement[bool]:
    """The SQL condition for rows of `exercises` the person may use."""
    return or_(col(Exercise.is_custom).is_(False), col(Exercise.owner_user_id) == user_id)


def _plausible(exercise_id: object) -> bool:
    return isinstance(exercise_id, str) and 0 < len(exercise_id) <= EXERCISE_ID_LENGTH


def usable_exercises(session: Session, user_id: int, exercise_ids: Iterable[object]) -> dict[str, UsableExercise]:
    """The exercises among `exercise_ids` that `user_id` may use, by id. Ids that are not
    strings, too long, unknown, or another person's custom exercise are simply absent."""
    found: dict[str, UsableExercise] = {}
    missing: list[str] = []
    for exercise_id in {i for i in exercise_ids if _plausible(i)}:
        assert isinstance(exercise_id, str)
        entry = catalogue.find_exercise(exercise_id)
        if entry is not None:
            found[exercise_id] = UsableExercise(entry.id, entry.name, entry.timed, custom=False,
                                                distance=entry.logs_distance)
        else:
            missing.append(exercise_id)
    if missing:
        rows = session.exec(
            select(Exercise.id, Exercise.name, Exercise.details, Exercise.is_custom)
            .where(col(Exercise.id).in_(missing), visible_to(user_id))
        ).all()
        for exercise_id, name, details, is_custom in rows:
            timed = bool(details.get("timed")) if isinstance(details, dict) else False
            found[exercise_id] = UsableExercise(exercise_id, name, timed, custom=bool(is_custom),
                                                distance=_logs_distance(details))
    return found


def usable_exercise(session: Session, user_id: int, exercise_id: object) -> UsableExercise | None:
    """The exercise if `user_id` may use it, else None (unknown and not theirs alike)."""
    if not isinstance(exercise_id, str):
        return None
    return usable_exercises(session, user_id, [exercise_id]).get(exercise_id)


def require_usable(session: Session, user_id: int, exercise_id: object) -> UsableExercise:
    """The exercise, or ValidationError (field "exercise") with one message for an unknown
    id and another person's custom exercise alike."""
    found = usable_exercise(session, user_id, exercise_id)
    if found is None:
        raise ValidationError(UNKNOWN_EXERCISE, field="exercise")
    return found


def names(session: Session, user_id: int, exercise_ids: Iterable[object]) -> dict[str, str]:
    """Display names of the exercises among `exercise_ids` the person may use."""
    return {i: e.name for i, e in usable_exercises(session, user_id, exercise_ids).items()}


def search(session: Session, user_id: int, text: str, limit: int = 8) -> list[UsableExercise]:
    """Exercises whose name matches `text` (``exercise_search``: spaces, hyphens, plurals,
    shorthand and small typos forgiven), best first: the catalogue's and the person's own
    custom ones. Nobody else's custom exercises."""
    needle = text.strip()[:MAX_SEARCH_LENGTH].casefold() if isinstance(text, str) else ""
    if not needle:
        return []
    order = catalogue.search_order()
    own = session.exec(
        select(Exercise.id, Exercise.name, Exercise.details)
        .where(col(Exercise.is_custom).is_(True), col(Exercise.owner_user_id) == user_id)
        .order_by(col(Exercise.name)).limit(MAX_OWN_SEARCHED)
    ).all()
    usable = [UsableExercise(e.id, e.name, e.timed, custom=False, distance=e.logs_distance)
              for e in catalogue.all_exercises()]
    usable += [UsableExercise(i, name, bool(isinstance(d, dict) and d.get("timed")), custom=True,
                              distance=_logs_distance(d)) for i, name, d in own]
    return exercise_search.rank(needle, usable, lambda e: e.name, lambda e: order.get(e.id, (0, 2, 0, 0)))[:limit]
