"""A person's finished workouts, looked back on: the history list (a page at a time, optionally
one exercise and a date range), the sets of the workouts on show, the exercises they have
logged, and the records a workout set.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import sqlalchemy
from sqlalchemy import func
from sqlmodel import col, select

from vigor_app import db
from vigor_app.models import PersonalRecord, SessionExercise, WorkoutSession, WorkoutSet
from vigor_app.models.ids import saved_id
from vigor_app.models.workout import SESSION_FINISHED
from vigor_app.services.catalogue import store as catalogue_store
from vigor_app.services.training import set_kinds
from vigor_app.services.training.workout_views import UNKNOWN_NAME, SetView, owned_session


@dataclass
class HistoryItem:
    id: int
    name: str
    started_at: datetime
    duration_seconds: int | None
    intensity: int | None
    exercises: int
    sets: int  # sets that count (warm-ups are in warmup_sets)
    volume_kg: float
    warmup_sets: int = 0


@dataclass
class HistoryPage:
    items: list[HistoryItem]
    page: int
    pages: int
    total: int


def history(user_id: int, *, page: int = 1, per_page: int = 20, exercise_id: str | None = None,
            start: datetime | None = None, end: datetime | None = None) -> HistoryPage:
    """Finished workouts, newest first, a page at a time; optionally one exercise and a date range."""
    per_page = max(1, min(per_page, 100))
    with db.read_only() as session:
        query = select(WorkoutSession).where(WorkoutSession.user_id == user_id,
                                             WorkoutSession.status == SESSION_FINISHED)
        if exercise_id:
            query = query.where(col(WorkoutSession.id).in_(
                select(SessionExercise.session_id).where(SessionExercise.user_id == user_id,
                                                         SessionExercise.exercise_id == exercise_id)))
        if start is not None:
            query = query.where(WorkoutSession.started_at >= start)
        if end is not None:
            query = query.where(WorkoutSession.started_at < end)
        total = session.exec(select(func.count()).select_from(query.subquery())).one()
        pages = max(1, -(-total // per_page))
        page = max(1, min(page, pages))
        rows = session.exec(query.order_by(col(WorkoutSession.started_at).desc())
                            .offset((page - 1) * per_page).limit(per_page)).all()
        ids = [r.id for r in rows]
        stats = {sid: (n_ex, n_sets, vol) for sid, n_ex, n_sets, vol in session.exec(
            select(WorkoutSet.session_id, func.count(func.distinct(WorkoutSet.session_exercise_id)),
                   func.count(), func.coalesce(func.sum(col(WorkoutSet.weight_kg) * col(WorkoutSet.reps)), 0))
            .where(col(WorkoutSet.session_id).in_(ids), set_kinds.counted()).group_by(col(WorkoutSet.session_id))
        ).all()} if ids else {}
        warmups = dict(session.exec(
            select(WorkoutSet.session_id, func.count())
            .where(col(WorkoutSet.session_id).in_(ids), WorkoutSet.done, WorkoutSet.kind == set_kinds.WARMUP)
            .group_by(col(WorkoutSet.session_id))
        ).all()) if ids else {}
        items = []
        for r in rows:
            exercises, sets, volume = stats.get(saved_id(r), (0, 0, 0))
            items.append(HistoryItem(id=saved_id(r), name=r.name, started_at=r.started_at,
                                     duration_seconds=r.duration_seconds, intensity=r.intensity,
                                     exercises=exercises, sets=sets, volume_kg=round(float(volume or 0), 1),
                                     warmup_sets=int(warmups.get(saved_id(r), 0))))
        return HistoryPage(items=items, page=page, pages=pages, total=int(total))


# The columns of a done set that `done_set` reads, then its workout's id.
LOGGED_SET_COLUMNS = (col(WorkoutSet.id), col(WorkoutSet.position), col(WorkoutSet.reps), col(WorkoutSet.seconds),
                      col(WorkoutSet.weight_kg), col(WorkoutSet.rpe), col(WorkoutSet.kind),
                      col(WorkoutSet.distance_m), col(WorkoutSet.exercise_id), col(WorkoutSet.session_id))


def done_set(row: Any) -> SetView:
    """A row selected with `LOGGED_SET_COLUMNS` as a done set's view."""
    return SetView(id=row.id, position=row.position, reps=row.reps, seconds=row.seconds, weight_kg=row.weight_kg,
                   rpe=row.rpe, done=True, kind=row.kind, distance_m=row.distance_m)


@dataclass
class LoggedExercise:
    """One exercise of a finished workout with the sets done of it, in order (warm-ups too)."""

    exercise_id: str
    name: str
    known: bool  # an exercise the person may use (it has a history page); else UNKNOWN_NAME
    sets: list[SetView] = field(default_factory=list)


def logged_sets(user_id: int, session_ids: list[int]) -> dict[int, list[LoggedExercise]]:
    """The done sets of the person's workouts `session_ids`, by workout, then by exercise in
    the workout's order: one query for all of them. Another person's workouts give nothing."""
    ids = list(dict.fromkeys(session_ids))
    if not ids:
        return {}
    with db.read_only() as session:
        rows = session.execute(
            sqlalchemy.select(*LOGGED_SET_COLUMNS, col(WorkoutSet.session_exercise_id))
            .join(SessionExercise, col(SessionExercise.id) == col(WorkoutSet.session_exercise_id))
            .where(col(WorkoutSet.session_id).in_(ids), col(WorkoutSet.user_id) == user_id, col(WorkoutSet.done))
            .order_by(col(WorkoutSet.session_id), col(SessionExercise.position), col(SessionExercise.id),
                      col(WorkoutSet.position), col(WorkoutSet.id))
        ).all()
        known = catalogue_store.usable_exercises(session, user_id, {r.exercise_id for r in rows})
    found: dict[int, list[LoggedExercise]] = {}
    entries: dict[int, LoggedExercise] = {}
    for r in rows:
        entry = entries.get(r.session_exercise_id)
        if entry is None:
            usable = known.get(r.exercise_id)
            entry = entries[r.session_exercise_id] = LoggedExercise(
                exercise_id=r.exercise_id, name=usable.name if usable else UNKNOWN_NAME, known=usable is not None)
            found.setdefault(r.session_id, []).append(entry)
        entry.sets.append(done_set(r))
    return found


def logged_exercises(user_id: int) -> list[str]:
    """Ids of the exercises the person has done sets of, most-logged first."""
    with db.read_only() as session:
        rows = session.exec(
            select(WorkoutSet.exercise_id, func.count()).where(WorkoutSet.user_id == user_id, set_kinds.counted())
            .group_by(WorkoutSet.exercise_id).order_by(func.count().desc())
        ).all()
        return [exercise_id for exercise_id, _ in rows]


def session_records(user_id: int, session_id: int) -> list[PersonalRecord]:
    """The personal records set in one of the person's workouts."""
    with db.read_only() as session:
        owned_session(session, user_id, session_id)
        return list(session.exec(select(PersonalRecord).where(PersonalRecord.user_id == user_id,
                                                              PersonalRecord.session_id == session_id)).all())
