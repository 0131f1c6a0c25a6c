"""A workout's exercise entries: finding an exercise to add, adding one (its sets pre-filled),
moving, removing and noting one.

Exercise ids are checked by `catalogue_store` (the catalogue's and the person's own custom
exercises only; anyone else's is refused like an id that does not exist).
"""

from __future__ import annotations

from sqlalchemy import func
from sqlmodel import Session, select

from vigor_app import db
from vigor_app.models import SessionExercise, WorkoutSession
from vigor_app.models.ids import saved_id
from vigor_app.services.catalogue import store as catalogue_store
from vigor_app.services.errors import ValidationError
from vigor_app.services.text_rules import plain_text
from vigor_app.services.training.workout_sets import prefill_sets
from vigor_app.services.training.workout_views import (
    SessionView,
    changed,
    owned_entry,
    owned_session,
    reorder,
)
from vigor_app.services.units import KG

MAX_EXERCISES = 30
MAX_NOTE = 500
DEFAULT_REST = 90


def add_entry(session: Session, user_id: int, row: WorkoutSession, exercise_id: str, position: int, *,
              target_sets: int | None = None, target_reps: str = "", target_rpe: float | None = None,
              rest_seconds: int = DEFAULT_REST, load_factor: float = 1.0, ramp: list[dict] | None = None,
              unit: str = KG) -> None:
    """Add an exercise the person may use to the workout `row`, with its sets pre-filled
    (last time's weights times `load_factor`: below 1 in a plan's deload week), after the
    plan's warm-up `ramp` as warm-up sets when a working weight is known."""
    catalogue_store.require_usable(session, user_id, exercise_id)
    entry = SessionExercise(session_id=saved_id(row), user_id=user_id, exercise_id=exercise_id, position=position,
                            target_sets=target_sets, target_reps=target_reps, target_rpe=target_rpe,
                            rest_seconds=rest_seconds)
    session.add(entry)
    session.flush()
    prefill_sets(session, user_id, entry, load_factor=load_factor, ramp=ramp, unit=unit)


def find_exercises(user_id: int, text: str, limit: int = 8) -> list[catalogue_store.UsableExercise]:
    """Exercises to add to a workout whose name contains `text`: the catalogue's and the
    person's own custom ones."""
    with db.read_only() as session:
        return catalogue_store.search(session, user_id, text, limit)


def add_exercise(user_id: int, session_id: int, exercise_id: str) -> SessionView:
    with db.transaction() as session:
        row = owned_session(session, user_id, session_id)
        count = session.exec(select(func.count()).where(SessionExercise.session_id == row.id)).one()
        if count >= MAX_EXERCISES:
            raise ValidationError(f"A workout holds at most {MAX_EXERCISES} exercises.", field="exercise")
        last = session.exec(select(func.max(SessionExercise.position))
                            .where(SessionExercise.session_id == row.id)).one()
        add_entry(session, user_id, row, exercise_id, (last if last is not None else -1) + 1)
        return changed(session, row)


def remove_exercise(user_id: int, entry_id: int) -> SessionView:
    with db.transaction() as session:
        entry = owned_entry(session, user_id, entry_id)
        row = owned_session(session, user_id, entry.session_id)
        session.delete(entry)  # its sets and their records go with it (ON DELETE CASCADE)
        return changed(session, row)


def move_exercise(user_id: int, entry_id: int, offset: int) -> SessionView:
    """Move an exercise up (-1) or down (+1) in its workout."""
    return reorder(user_id, owned_entry, entry_id, offset, within=SessionExercise.session_id)


def set_entry_note(user_id: int, entry_id: int, note: str) -> None:
    with db.transaction() as session:
        entry = owned_entry(session, user_id, entry_id)
        entry.note = plain_text(note, label="A note", field="note", limit=MAX_NOTE)
        session.add(entry)
