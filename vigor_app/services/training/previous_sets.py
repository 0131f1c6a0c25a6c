"""What the person did last time for each set of a workout (the log's "previous" column).

For each exercise of the workout, the latest other finished session that has done sets of
it, started before this one (`last_sets`). Sets are matched in order within their type
(`match`): the workout's first warm-up with last time's first warm-up, its third working set
with last time's third working set (drop and failure sets count as working sets here, as
they are numbered in the log).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, col, select

from vigor_app import db
from vigor_app.models import WorkoutSession, WorkoutSet
from vigor_app.models.workout import SESSION_FINISHED
from vigor_app.services.training import set_kinds
from vigor_app.services.training.workout_views import SessionView


@dataclass(frozen=True)
class PreviousSet:
    kind: str
    reps: int | None
    seconds: int | None
    weight_kg: float | None
    distance_m: float | None


def _warmup(kind: str) -> bool:
    return kind == set_kinds.WARMUP


def _last(session: Session, user_id: int, session_id: int, started_at: datetime,
          exercise_id: str) -> list[PreviousSet]:
    latest = session.exec(
        select(WorkoutSet.session_id)
        .join(WorkoutSession, col(WorkoutSession.id) == WorkoutSet.session_id)
        .where(WorkoutSet.user_id == user_id, WorkoutSet.exercise_id == exercise_id, col(WorkoutSet.done),
               WorkoutSession.status == SESSION_FINISHED, WorkoutSession.id != session_id,
               col(WorkoutSession.started_at) < started_at)
        .order_by(col(WorkoutSession.started_at).desc())
        .limit(1)
    ).first()
    if latest is None:
        return []
    rows = session.exec(
        select(WorkoutSet).where(WorkoutSet.session_id == latest, WorkoutSet.exercise_id == exercise_id,
                                 col(WorkoutSet.done)).order_by(col(WorkoutSet.position))
    ).all()
    return [PreviousSet(r.kind, r.reps, r.seconds, r.weight_kg, r.distance_m) for r in rows]


def last_sets(user_id: int, view: SessionView, exercise_ids: Iterable[str]) -> dict[str, list[PreviousSet]]:
    """Last time's done sets of each exercise (in order; [] when there is no last time)."""
    with db.read_only() as session:
        return {exercise_id: _last(session, user_id, view.id, view.started_at, exercise_id)
                for exercise_id in dict.fromkeys(exercise_ids)}


def match(view: SessionView, last: dict[str, list[PreviousSet]]) -> dict[int, PreviousSet]:
    """Last time's set for each set of the workout that has one, by the workout's set id."""
    found: dict[int, PreviousSet] = {}
    for entry in view.entries:
        before = last.get(entry.exercise_id, [])
        by_type = {True: [s for s in before if _warmup(s.kind)], False: [s for s in before if not _warmup(s.kind)]}
        seen = {True: 0, False: 0}
        for one in entry.sets:
            warm = _warmup(one.kind)
            if seen[warm] < len(by_type[warm]):
                found[one.id] = by_type[warm][seen[warm]]
            seen[warm] += 1
    return found
