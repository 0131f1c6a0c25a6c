"""A workout's exercise entries: finding an exercise to add, adding one (its sets pre-filled),
moving, removing and noting one, and pairing them into supersets.

Exercise ids are checked by `catalogue_store` (the catalogue's and the person's own custom
exercises only; anyone else's is refused like an id that does not exist).
"""

from __future__ import annotations

from sqlalchemy import func
from sqlmodel import Session, col, select

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


def _entries(session: Session, row: WorkoutSession) -> list[SessionExercise]:
    return list(session.exec(select(SessionExercise).where(SessionExercise.session_id == row.id)
                             .order_by(col(SessionExercise.position))).all())


def superset_with_next(user_id: int, entry_id: int) -> SessionView:
    """Do this exercise and the next one as a superset (joining either's superset when it is
    in one already): one set of each in turn, then the rest."""
    with db.transaction() as session:
        entry = owned_entry(session, user_id, entry_id)
        row = owned_session(session, user_id, entry.session_id)
        entries = _entries(session, row)
        index = next(i for i, e in enumerate(entries) if e.id == entry.id)
        if index + 1 >= len(entries):
            raise ValidationError("Add the exercise to pair it with below this one first.", field="superset")
        following = entries[index + 1]
        group = entry.superset or following.superset or max((e.superset or 0 for e in entries), default=0) + 1
        for one in entries:
            if one.id in (entry.id, following.id) or (one.superset is not None and one.superset in
                                                     (entry.superset, following.superset)):
                one.superset = group
                session.add(one)
        return changed(session, row)


def leave_superset(user_id: int, entry_id: int) -> SessionView:
    """Take an exercise out of its superset (a superset left with one exercise ends)."""
    with db.transaction() as session:
        entry = owned_entry(session, user_id, entry_id)
        row = owned_session(session, user_id, entry.session_id)
        group, entry.superset = entry.superset, None
        session.add(entry)
        rest = [e for e in _entries(session, row) if e.id != entry.id and group is not None and e.superset == group]
        if len(rest) == 1:
            rest[0].superset = None
            session.add(rest[0])
        return changed(session, row)
