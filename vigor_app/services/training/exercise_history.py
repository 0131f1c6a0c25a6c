"""One exercise over a person's finished workouts: every workout that had it (newest first, a
page at a time), its sets there, the current bests and a point per workout for a chart.

- Only the person's own finished workouts and done sets are read; an exercise they may not use
  (another person's custom exercise, an id that names nothing) is "not found", the same for both.
- Warm-ups are listed with their workout's sets but never count toward the bests or the chart
  (``set_kinds.counts``).
- The bests are ``records.best_records`` over the counted sets, as they stand.
- What the chart follows depends on the exercise: the distance per workout for a run or a row,
  the longest set for a timed exercise, else the best estimated 1RM (Epley, ``records``) with
  the heaviest set beside it, or the most reps where no set had a weight.
- Days are local dates in the person's time zone (their profile), as the History page shows.

Weights stay in kilograms, distances in metres, times in seconds: the page converts.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

import sqlalchemy
from sqlmodel import col

from vigor_app import db
from vigor_app.models import SessionExercise, WorkoutSession, WorkoutSet
from vigor_app.models.workout import SESSION_FINISHED
from vigor_app.services.catalogue import store as catalogue_store
from vigor_app.services.errors import NotFound
from vigor_app.services.training import progress, records, set_kinds
from vigor_app.services.training.streaks import local_date
from vigor_app.services.training.workout_history import LOGGED_SET_COLUMNS, done_set
from vigor_app.services.training.workout_views import SetView

PAGE = 50  # workouts listed at a time
MAX_LISTED = 1000  # "show more" stops here
NOT_FOUND = "That exercise is not in your library."

# What a chart point's `value` is.
DISTANCE = "distance"  # metres done in the workout
SECONDS = "seconds"  # the longest set
E1RM = "e1rm"  # the best estimated 1RM, in kg (and `top_kg`, the heaviest set)
REPS = "reps"  # the most reps in a set


@dataclass
class ExerciseSession:
    """One workout that had the exercise, with the sets done of it in order (warm-ups too)."""

    session_id: int
    name: str
    started_at: datetime
    day: date  # local, in the person's zone
    sets: list[SetView] = field(default_factory=list)


@dataclass(frozen=True)
class ChartPoint:
    """One workout on the chart (oldest first): `value` as the history's `measure` says, and
    for E1RM the heaviest set's weight in `top_kg`."""

    session_id: int
    day: date
    value: float
    top_kg: float | None = None


@dataclass
class ExerciseHistory:
    exercise_id: str
    name: str
    timed: bool
    distance: bool
    custom: bool
    timezone: str  # the person's, from their profile
    units: str  # the person's weight unit (a "lb" person runs in miles)
    total: int  # finished workouts with a done set of it
    sessions: list[ExerciseSession]  # newest first, at most the `limit` asked for
    bests: dict[str, float]  # records.best_records' keys for this exercise (kg, seconds)
    measure: str  # what the chart's values are: DISTANCE, SECONDS, E1RM or REPS
    points: list[ChartPoint]  # oldest first, one per workout that has a value

    @property
    def more(self) -> bool:
        """Whether older workouts are left to list."""
        return self.total > len(self.sessions)


def exercise_history(user_id: int, exercise_id: object, *, limit: int = PAGE) -> ExerciseHistory:
    """The person's history of one exercise they may use; NotFound for any other id."""
    limit = max(1, min(int(limit), MAX_LISTED))
    with db.read_only() as session:
        exercise = catalogue_store.usable_exercise(session, user_id, exercise_id)
        if exercise is None:
            raise NotFound(NOT_FOUND)
        who = progress.person(session, user_id)
        timezone = who.timezone
        rows = session.execute(
            sqlalchemy.select(*LOGGED_SET_COLUMNS, col(WorkoutSession.started_at), col(WorkoutSession.name)
                              .label("workout"))
            .join(WorkoutSession, col(WorkoutSession.id) == col(WorkoutSet.session_id))
            .join(SessionExercise, col(SessionExercise.id) == col(WorkoutSet.session_exercise_id))
            .where(col(WorkoutSet.user_id) == user_id, col(WorkoutSet.exercise_id) == exercise.id,
                   col(WorkoutSet.done), col(WorkoutSession.user_id) == user_id,
                   col(WorkoutSession.status) == SESSION_FINISHED)
            .order_by(col(WorkoutSession.started_at).desc(), col(WorkoutSession.id).desc(),
                      col(SessionExercise.position), col(SessionExercise.id), col(WorkoutSet.position),
                      col(WorkoutSet.id))
        ).all()

    workouts: dict[int, ExerciseSession] = {}
    facts: list[records.SetFact] = []
    for r in rows:
        workout = workouts.get(r.session_id)
        if workout is None:
            workout = workouts[r.session_id] = ExerciseSession(
                session_id=r.session_id, name=r.workout, started_at=r.started_at,
                day=local_date(r.started_at, timezone))
        logged = done_set(r)
        workout.sets.append(logged)
        if set_kinds.counts(logged.kind):
            facts.append(records.SetFact(exercise_id=exercise.id, session_id=r.session_id, weight_kg=logged.weight_kg,
                                         reps=logged.reps, seconds=logged.seconds, done=True,
                                         completed_at=r.started_at, distance_m=logged.distance_m))
    newest_first = list(workouts.values())
    measure, points = _chart(newest_first, distance=exercise.distance, timed=exercise.timed)
    return ExerciseHistory(
        exercise_id=exercise.id, name=exercise.name, timed=exercise.timed, distance=exercise.distance,
        custom=exercise.custom, timezone=timezone, units=who.units, total=len(newest_first), sessions=newest_first[:limit],
        bests=records.best_records(facts).get(exercise.id, {}), measure=measure, points=points)


def _chart(newest_first: list[ExerciseSession], *, distance: bool, timed: bool) -> tuple[str, list[ChartPoint]]:
    """What the chart follows for this exercise, and its points, oldest first."""
    oldest_first = list(reversed(newest_first))
    if distance:
        return DISTANCE, _points(oldest_first, lambda sets: sum(s.distance_m or 0.0 for s in sets))
    if timed:
        return SECONDS, _points(oldest_first, lambda sets: max((s.seconds or 0 for s in sets), default=0))
    lifted = _points(oldest_first, _best_e1rm, top=True)
    if lifted:
        return E1RM, lifted
    return REPS, _points(oldest_first, lambda sets: max((s.reps or 0 for s in sets), default=0))


def _best_e1rm(sets: list[SetView]) -> float:
    return max((records.estimated_1rm(s.weight_kg or 0.0, s.reps or 0) for s in sets), default=0.0)


def _heaviest(sets: list[SetView]) -> float | None:
    weights = [s.weight_kg for s in sets if s.weight_kg and s.weight_kg > 0 and s.reps]
    return max(weights) if weights else None


def _points(oldest_first: list[ExerciseSession], value, *, top: bool = False) -> list[ChartPoint]:
    points = []
    for workout in oldest_first:
        counted = [s for s in workout.sets if set_kinds.counts(s.kind)]
        figure = float(value(counted)) if counted else 0.0
        if figure > 0:
            points.append(ChartPoint(session_id=workout.session_id, day=workout.day, value=round(figure, 1),
                                     top_kg=_heaviest(counted) if top else None))
    return points
