"""Reading a workout: the views the logging and history pages show (a session, its exercise
entries and their sets), finding a row the person owns, and handing a changed workout back.

Every function takes the owner's user_id first; another person's session, exercise entry or
set is "not found". Weights in a view are kilograms; the page converts at the edge.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlmodel import Session, col, select

from vigor_app import db
from vigor_app.clock import utcnow
from vigor_app.models import SessionExercise, WorkoutSession, WorkoutSet
from vigor_app.models.workout import SESSION_OPEN
from vigor_app.services.catalogue import store as catalogue_store
from vigor_app.services.errors import NotFound

UNKNOWN_NAME = "Unknown exercise"  # an id in a workout that names no exercise this person may use


@dataclass
class SetView:
    id: int
    position: int
    reps: int | None
    seconds: int | None
    weight_kg: float | None
    rpe: float | None
    done: bool
    kind: str = "normal"  # set_kinds.KINDS
    distance_m: float | None = None
    changed_at: datetime | None = None  # the person's last change of it (None: untouched since planned)


@dataclass
class EntryView:
    id: int
    exercise_id: str
    name: str
    position: int
    note: str
    timed: bool
    target: str
    rest_seconds: int
    sets: list[SetView] = field(default_factory=list)
    target_reps: str = ""
    target_rpe: float | None = None
    distance: bool = False  # logged with a distance and a time (a run, a row)
    superset: int | None = None  # entries sharing a number are done as a superset


@dataclass
class SessionView:
    id: int
    name: str
    status: str
    started_at: datetime
    ended_at: datetime | None
    duration_seconds: int | None
    intensity: int | None
    note: str
    plan_id: int | None
    plan_day_index: int | None
    entries: list[EntryView] = field(default_factory=list)

    @property
    def done_sets(self) -> int:
        return sum(1 for e in self.entries for s in e.sets if s.done)


def round_finished(view: SessionView, entry_id: int) -> bool:
    """Whether the rest is due after a set of this exercise was just done (`rest_due`)."""
    position = next((i for i, e in enumerate(view.entries) if e.id == entry_id), None)
    if position is None:
        return True
    return rest_due([(e.superset, len(e.sets), sum(s.done for s in e.sets)) for e in view.entries], position)


def rest_due(exercises: Sequence[tuple[object, int, int]], position: int) -> bool:
    """Whether the rest is due after a set of the exercise at `position` was just done: always,
    except in a superset whose round is not over (another exercise of it has fewer sets done).
    `exercises` are the workout's exercises in order, each as (its superset, or None when it is
    in none; its number of sets; how many of them are done)."""
    superset, _sets, done = exercises[position]
    if superset is None:
        return True
    return all(other_done >= min(done, other_sets)
               for other, other_sets, other_done in exercises if other == superset)


def superset_labels(view: SessionView) -> dict[int, str]:
    """"Superset A", "Superset B"… for the entries in a superset, lettered in workout order."""
    letters: dict[int, str] = {}
    labels = {}
    for entry in view.entries:
        if entry.superset is not None:
            letter = letters.setdefault(entry.superset, "ABCDEFGHIJKLMNOPQRSTUVWXYZ"[len(letters) % 26])
            labels[entry.id] = f"Superset {letter}"
    return labels


# -- the person's own rows -----------------------------------------------------------------


def owned_session(session: Session, user_id: int, session_id: int) -> WorkoutSession:
    row = session.get(WorkoutSession, session_id)
    if row is None or row.user_id != user_id:
        raise NotFound("That workout does not exist.")
    return row


def owned_entry(session: Session, user_id: int, entry_id: int) -> SessionExercise:
    row = session.get(SessionExercise, entry_id)
    if row is None or row.user_id != user_id:
        raise NotFound("That exercise is not in your workout.")
    return row


def owned_set(session: Session, user_id: int, set_id: int) -> WorkoutSet:
    row = session.get(WorkoutSet, set_id)
    if row is None or row.user_id != user_id:
        raise NotFound("That set does not exist.")
    return row


# -- views ---------------------------------------------------------------------------------


def session_view(session: Session, row: WorkoutSession) -> SessionView:
    entries = session.exec(
        select(SessionExercise).where(SessionExercise.session_id == row.id).order_by(col(SessionExercise.position))
    ).all()
    sets = session.exec(
        select(WorkoutSet).where(WorkoutSet.session_id == row.id).order_by(col(WorkoutSet.position))
    ).all()
    by_entry: dict[int, list[SetView]] = {}
    for s in sets:
        by_entry.setdefault(s.session_exercise_id, []).append(
            SetView(id=s.id or 0, position=s.position, reps=s.reps, seconds=s.seconds, weight_kg=s.weight_kg,
                    rpe=s.rpe, done=s.done, kind=s.kind, distance_m=s.distance_m, changed_at=s.changed_at))
    known = catalogue_store.usable_exercises(session, row.user_id, {e.exercise_id for e in entries})
    views = []
    for e in entries:
        exercise = known.get(e.exercise_id)
        name, timed = (exercise.name, exercise.timed) if exercise else (UNKNOWN_NAME, False)
        distance = exercise.distance if exercise else False
        target = " × ".join(p for p in (str(e.target_sets or ""), e.target_reps) if p)
        if e.target_rpe:
            target += f" @ RPE {e.target_rpe:g}"
        views.append(EntryView(id=e.id or 0, exercise_id=e.exercise_id, name=name, position=e.position,
                               note=e.note, timed=timed, target=target, rest_seconds=e.rest_seconds,
                               sets=by_entry.get(e.id or 0, []), target_reps=e.target_reps,
                               target_rpe=e.target_rpe, distance=distance, superset=e.superset))
    return SessionView(id=row.id or 0, name=row.name, status=row.status, started_at=row.started_at,
                       ended_at=row.ended_at, duration_seconds=row.duration_seconds, intensity=row.intensity,
                       note=row.note, plan_id=row.plan_id, plan_day_index=row.plan_day_index, entries=views)


def get_session(user_id: int, session_id: int) -> SessionView:
    with db.read_only() as session:
        return session_view(session, owned_session(session, user_id, session_id))


def open_session(user_id: int) -> SessionView | None:
    """The workout the person has started and not finished, if any (to resume it)."""
    with db.read_only() as session:
        row = session.exec(
            select(WorkoutSession).where(WorkoutSession.user_id == user_id,
                                         WorkoutSession.status == SESSION_OPEN)
            .order_by(col(WorkoutSession.started_at).desc())
        ).first()
        return session_view(session, row) if row else None


# -- changes -------------------------------------------------------------------------------


def touch(row: WorkoutSession, session: Session) -> None:
    """Mark the workout as changed now."""
    row.updated_at = utcnow()
    session.add(row)


def changed(session: Session, row: WorkoutSession) -> SessionView:
    """The workout after a change: marked changed, written, and viewed afresh."""
    touch(row, session)
    session.flush()
    return session_view(session, row)


def reorder(user_id: int, find_owned: Callable[[Session, int, int], SessionExercise | WorkoutSet],
            row_id: int, offset: int, within: Any) -> SessionView:
    """Move the person's row (an entry or a set, found by `find_owned`) one place up (a
    negative offset) or down among the rows that share its `within` column (its workout's
    entries, its exercise's sets), renumber their positions, and hand back the workout."""
    with db.transaction() as session:
        moved = find_owned(session, user_id, row_id)
        row = owned_session(session, user_id, moved.session_id)
        model = type(moved)
        rows: list[Any] = list(session.exec(
            select(model).where(within == getattr(moved, within.key)).order_by(col(model.position))).all())
        index = next(i for i, r in enumerate(rows) if r.id == moved.id)
        target = index + (1 if offset > 0 else -1)
        if 0 <= target < len(rows):
            rows[index], rows[target] = rows[target], rows[index]
            for position, r in enumerate(rows):
                r.position = position
                session.add(r)
        return changed(session, row)
