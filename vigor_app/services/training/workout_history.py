"""A person's finished workouts, looked back on: the history list (a page at a time, optionally
one exercise and a date range), the exercises they have logged, and the records a workout set.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func
from sqlmodel import col, select

from vigor_app import db
from vigor_app.models import PersonalRecord, SessionExercise, WorkoutSession, WorkoutSet
from vigor_app.models.ids import saved_id
from vigor_app.models.workout import SESSION_FINISHED
from vigor_app.services.training import set_kinds
from vigor_app.services.training.workout_views import owned_session


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
