"""Logging a workout: start from a plan day or freestyle, save every set the moment it is
done, finish. Every function takes the owner's user_id first; another person's session,
exercise entry or set is "not found".

Exercise ids are checked by `catalogue_store` (the catalogue's and the person's own custom
exercises only; anyone else's is refused like an id that does not exist).

Sets are pre-filled with what the person did last time for that exercise (the most recent
finished session that has it), else with the plan's target. Weights are kilograms here;
the page converts pounds at the edge.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import delete, func
from sqlmodel import Session, col, select

from vigor_app import db
from vigor_app.clock import utcnow
from vigor_app.models import (
    FitnessProfile,
    PersonalRecord,
    SessionExercise,
    WorkoutPlan,
    WorkoutSession,
    WorkoutSet,
)
from vigor_app.models.workout import SESSION_FINISHED, SESSION_OPEN
from vigor_app.services.catalogue import store as catalogue_store
from vigor_app.services.errors import NotFound, ValidationError
from vigor_app.services.plans.timing import parse_reps
from vigor_app.services.text_rules import plain_text
from vigor_app.services.training import achievements, milestones, records
from vigor_app.services.training.set_values import check_set_values, field_number
from vigor_app.services.units import KG

MAX_SETS_PER_EXERCISE = 20
MAX_EXERCISES = 30
MAX_NOTE = 500
MAX_SESSION_NOTE = 2000
DEFAULT_SETS = 3
DEFAULT_REST = 90
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


@dataclass
class SaveResult:
    session: SessionView
    records: list[records.RecordHit]
    milestones: list[milestones.Milestone] = field(default_factory=list)


@dataclass
class FinishResult:
    session: SessionView
    milestones: list[milestones.Milestone] = field(default_factory=list)


# -- reading -------------------------------------------------------------------------------


def _owned_session(session: Session, user_id: int, session_id: int) -> WorkoutSession:
    row = session.get(WorkoutSession, session_id)
    if row is None or row.user_id != user_id:
        raise NotFound("That workout does not exist.")
    return row


def _owned_entry(session: Session, user_id: int, entry_id: int) -> SessionExercise:
    row = session.get(SessionExercise, entry_id)
    if row is None or row.user_id != user_id:
        raise NotFound("That exercise is not in your workout.")
    return row


def _owned_set(session: Session, user_id: int, set_id: int) -> WorkoutSet:
    row = session.get(WorkoutSet, set_id)
    if row is None or row.user_id != user_id:
        raise NotFound("That set does not exist.")
    return row


def _view(session: Session, row: WorkoutSession) -> SessionView:
    entries = session.exec(
        select(SessionExercise).where(SessionExercise.session_id == row.id).order_by(SessionExercise.position)
    ).all()
    sets = session.exec(
        select(WorkoutSet).where(WorkoutSet.session_id == row.id).order_by(WorkoutSet.position)
    ).all()
    by_entry: dict[int, list[SetView]] = {}
    for s in sets:
        by_entry.setdefault(s.session_exercise_id, []).append(
            SetView(id=s.id or 0, position=s.position, reps=s.reps, seconds=s.seconds, weight_kg=s.weight_kg,
                    rpe=s.rpe, done=s.done))
    known = catalogue_store.usable_exercises(session, row.user_id, {e.exercise_id for e in entries})
    views = []
    for e in entries:
        exercise = known.get(e.exercise_id)
        name, timed = (exercise.name, exercise.timed) if exercise else (UNKNOWN_NAME, False)
        target = " × ".join(p for p in (str(e.target_sets or ""), e.target_reps) if p)
        if e.target_rpe:
            target += f" @ RPE {e.target_rpe:g}"
        views.append(EntryView(id=e.id or 0, exercise_id=e.exercise_id, name=name, position=e.position,
                               note=e.note, timed=timed, target=target, rest_seconds=e.rest_seconds,
                               sets=by_entry.get(e.id or 0, []), target_reps=e.target_reps,
                               target_rpe=e.target_rpe))
    return SessionView(id=row.id or 0, name=row.name, status=row.status, started_at=row.started_at,
                       ended_at=row.ended_at, duration_seconds=row.duration_seconds, intensity=row.intensity,
                       note=row.note, plan_id=row.plan_id, plan_day_index=row.plan_day_index, entries=views)


def get_session(user_id: int, session_id: int) -> SessionView:
    with db.read_only() as session:
        return _view(session, _owned_session(session, user_id, session_id))


def open_session(user_id: int) -> SessionView | None:
    """The workout the person has started and not finished, if any (to resume it)."""
    with db.read_only() as session:
        row = session.exec(
            select(WorkoutSession).where(WorkoutSession.user_id == user_id,
                                         WorkoutSession.status == SESSION_OPEN)
            .order_by(col(WorkoutSession.started_at).desc())
        ).first()
        return _view(session, row) if row else None


def last_performance(session: Session, user_id: int, exercise_id: str) -> list[WorkoutSet]:
    """The done sets of the most recent finished session that has this exercise."""
    latest = session.exec(
        select(WorkoutSet.session_id)
        .join(WorkoutSession, WorkoutSession.id == WorkoutSet.session_id)
        .where(WorkoutSet.user_id == user_id, WorkoutSet.exercise_id == exercise_id, WorkoutSet.done,
               WorkoutSession.status == SESSION_FINISHED)
        .order_by(col(WorkoutSession.started_at).desc())
        .limit(1)
    ).first()
    if latest is None:
        return []
    return list(session.exec(
        select(WorkoutSet).where(WorkoutSet.session_id == latest, WorkoutSet.exercise_id == exercise_id,
                                 WorkoutSet.done).order_by(WorkoutSet.position)
    ).all())


# -- starting ------------------------------------------------------------------------------


def _timezone(session: Session, user_id: int) -> str:
    profile = session.exec(select(FitnessProfile).where(FitnessProfile.user_id == user_id)).first()
    return profile.timezone if profile else "UTC"


def _refuse_second_open(session: Session, user_id: int) -> None:
    if session.exec(select(WorkoutSession.id).where(WorkoutSession.user_id == user_id,
                                                    WorkoutSession.status == SESSION_OPEN)).first():
        raise ValidationError("You already have a workout in progress. Finish or discard it first.",
                              field="session")


def _add_entry(session: Session, user_id: int, row: WorkoutSession, exercise_id: str, position: int, *,
               target_sets: int | None = None, target_reps: str = "", target_rpe: float | None = None,
               rest_seconds: int = DEFAULT_REST) -> None:
    catalogue_store.require_usable(session, user_id, exercise_id)
    entry = SessionExercise(session_id=row.id, user_id=user_id, exercise_id=exercise_id, position=position,
                            target_sets=target_sets, target_reps=target_reps, target_rpe=target_rpe,
                            rest_seconds=rest_seconds)
    session.add(entry)
    session.flush()
    previous = last_performance(session, user_id, exercise_id)
    parsed = parse_reps(target_reps)
    count = target_sets or (len(previous) or DEFAULT_SETS)
    for position_in_entry in range(min(count, MAX_SETS_PER_EXERCISE)):
        last = previous[min(position_in_entry, len(previous) - 1)] if previous else None
        reps = last.reps if last else (None if parsed is None or parsed.timed else parsed.low)
        seconds = last.seconds if last else (parsed.low if parsed is not None and parsed.timed else None)
        session.add(WorkoutSet(session_exercise_id=entry.id, session_id=row.id, user_id=user_id,
                               exercise_id=exercise_id, position=position_in_entry, reps=reps, seconds=seconds,
                               weight_kg=last.weight_kg if last else None, rpe=None, done=False))


def start_from_plan(user_id: int, plan_id: int, day_index: int, *, now: datetime | None = None) -> SessionView:
    """Start a session from one day of a plan: its exercises and targets, last time's numbers."""
    now = now or utcnow()
    with db.transaction() as session:
        plan = session.get(WorkoutPlan, plan_id)
        if plan is None or plan.user_id != user_id:
            raise NotFound("That plan does not exist.")
        days = plan.plan.get("days", [])
        if not isinstance(day_index, int) or not 0 <= day_index < len(days):
            raise NotFound("That day is not in the plan.")
        _refuse_second_open(session, user_id)
        day = days[day_index]
        row = WorkoutSession(user_id=user_id, plan_id=plan_id, plan_day_index=day_index,
                             name=str(day.get("name", f"Day {day_index + 1}"))[:120], started_at=now,
                             timezone=_timezone(session, user_id), created_at=now, updated_at=now)
        session.add(row)
        session.flush()
        for position, item in enumerate(day.get("exercises", [])[:MAX_EXERCISES]):
            _add_entry(session, user_id, row, str(item.get("exercise_id")), position,
                       target_sets=int(item.get("sets") or DEFAULT_SETS), target_reps=str(item.get("reps", "")),
                       target_rpe=item.get("rpe"), rest_seconds=int(item.get("rest_seconds") or DEFAULT_REST))
        session.flush()
        return _view(session, row)


def start_freestyle(user_id: int, name: str = "", *, now: datetime | None = None) -> SessionView:
    now = now or utcnow()
    with db.transaction() as session:
        _refuse_second_open(session, user_id)
        row = WorkoutSession(user_id=user_id, name=(name.strip() or "Freestyle workout")[:120], started_at=now,
                             timezone=_timezone(session, user_id), created_at=now, updated_at=now)
        session.add(row)
        session.flush()
        return _view(session, row)


# -- changing ------------------------------------------------------------------------------


def _touch(row: WorkoutSession, session: Session) -> None:
    row.updated_at = utcnow()
    session.add(row)


def find_exercises(user_id: int, text: str, limit: int = 8) -> list[catalogue_store.UsableExercise]:
    """Exercises to add to a workout whose name contains `text`: the catalogue's and the
    person's own custom ones."""
    with db.read_only() as session:
        return catalogue_store.search(session, user_id, text, limit)


def add_exercise(user_id: int, session_id: int, exercise_id: str) -> SessionView:
    with db.transaction() as session:
        row = _owned_session(session, user_id, session_id)
        count = session.exec(select(func.count()).where(SessionExercise.session_id == row.id)).one()
        if count >= MAX_EXERCISES:
            raise ValidationError(f"A workout holds at most {MAX_EXERCISES} exercises.", field="exercise")
        last = session.exec(select(func.max(SessionExercise.position))
                            .where(SessionExercise.session_id == row.id)).one()
        _add_entry(session, user_id, row, exercise_id, (last if last is not None else -1) + 1)
        _touch(row, session)
        session.flush()
        return _view(session, row)


def remove_exercise(user_id: int, entry_id: int) -> SessionView:
    with db.transaction() as session:
        entry = _owned_entry(session, user_id, entry_id)
        row = _owned_session(session, user_id, entry.session_id)
        session.delete(entry)  # its sets and their records go with it (ON DELETE CASCADE)
        _touch(row, session)
        session.flush()
        return _view(session, row)


def _move(rows: list, row_id: int | None, offset: int, session: Session) -> None:
    """Swap one row with its neighbour (up for a negative offset) and renumber positions."""
    index = next(i for i, r in enumerate(rows) if r.id == row_id)
    target = index + (1 if offset > 0 else -1)
    if 0 <= target < len(rows):
        rows[index], rows[target] = rows[target], rows[index]
        for position, r in enumerate(rows):
            r.position = position
            session.add(r)


def move_exercise(user_id: int, entry_id: int, offset: int) -> SessionView:
    """Move an exercise up (-1) or down (+1) in its workout."""
    with db.transaction() as session:
        entry = _owned_entry(session, user_id, entry_id)
        row = _owned_session(session, user_id, entry.session_id)
        _move(list(session.exec(select(SessionExercise).where(SessionExercise.session_id == row.id)
                                .order_by(SessionExercise.position)).all()), entry.id, offset, session)
        _touch(row, session)
        session.flush()
        return _view(session, row)


def move_set(user_id: int, set_id: int, offset: int) -> SessionView:
    """Move a set up (-1) or down (+1) among its exercise's sets."""
    with db.transaction() as session:
        row_set = _owned_set(session, user_id, set_id)
        row = _owned_session(session, user_id, row_set.session_id)
        _move(list(session.exec(select(WorkoutSet).where(WorkoutSet.session_exercise_id == row_set.session_exercise_id)
                                .order_by(WorkoutSet.position)).all()), row_set.id, offset, session)
        _touch(row, session)
        session.flush()
        return _view(session, row)


def add_set(user_id: int, entry_id: int) -> SessionView:
    """Another set, pre-filled with the previous set's numbers."""
    with db.transaction() as session:
        entry = _owned_entry(session, user_id, entry_id)
        row = _owned_session(session, user_id, entry.session_id)
        sets = list(session.exec(select(WorkoutSet).where(WorkoutSet.session_exercise_id == entry.id)
                                 .order_by(WorkoutSet.position)).all())
        if len(sets) >= MAX_SETS_PER_EXERCISE:
            raise ValidationError(f"At most {MAX_SETS_PER_EXERCISE} sets per exercise.", field="set")
        last = sets[-1] if sets else None
        session.add(WorkoutSet(session_exercise_id=entry.id, session_id=row.id, user_id=user_id,
                               exercise_id=entry.exercise_id, position=(last.position + 1) if last else 0,
                               reps=last.reps if last else None, seconds=last.seconds if last else None,
                               weight_kg=last.weight_kg if last else None))
        _touch(row, session)
        session.flush()
        return _view(session, row)


def remove_set(user_id: int, set_id: int) -> SessionView:
    with db.transaction() as session:
        row_set = _owned_set(session, user_id, set_id)
        row = _owned_session(session, user_id, row_set.session_id)
        session.delete(row_set)  # its records go with it (ON DELETE CASCADE)
        _touch(row, session)
        session.flush()
        return _view(session, row)


def _history_facts(session: Session, user_id: int, exercise_id: str, before_set: int) -> list[records.SetFact]:
    rows = session.exec(
        select(WorkoutSet).where(WorkoutSet.user_id == user_id, WorkoutSet.exercise_id == exercise_id,
                                 WorkoutSet.done, WorkoutSet.id != before_set)
    ).all()
    return [records.SetFact(exercise_id=r.exercise_id, session_id=r.session_id, weight_kg=r.weight_kg, reps=r.reps,
                            seconds=r.seconds, done=r.done, completed_at=r.completed_at or utcnow())
            for r in rows]


def _volume_record_in(session: Session, row_set: WorkoutSet) -> bool:
    """Whether this session already holds a session-volume record for the set's exercise."""
    return session.exec(
        select(PersonalRecord.id).where(
            PersonalRecord.session_id == row_set.session_id,
            PersonalRecord.exercise_id == row_set.exercise_id,
            PersonalRecord.kind == records.SESSION_VOLUME)
    ).first() is not None


def save_set(user_id: int, set_id: int, *, reps=None, seconds=None, weight_kg=None, rpe=None, done: bool = True,
             weight_unit: str = KG, now: datetime | None = None) -> SaveResult:
    """Save one set at once (the person ticks it done). Returns any records it set.

    `weight_kg` is the weight as the person typed it, in `weight_unit` (kilograms unless that
    says "lb"); it is stored in kilograms."""
    reps, seconds, weight_kg, rpe = check_set_values(reps, seconds, weight_kg, rpe, weight_unit)
    if done and reps is None and seconds is None:
        raise ValidationError("Enter the reps (or seconds) you did.", field="reps")
    now = now or utcnow()
    with db.transaction() as session:
        row_set = _owned_set(session, user_id, set_id)
        row = _owned_session(session, user_id, row_set.session_id)
        row_set.reps, row_set.seconds, row_set.weight_kg, row_set.rpe = reps, seconds, weight_kg, rpe
        row_set.done = bool(done)
        row_set.completed_at = (row_set.completed_at or now) if done else None
        session.add(row_set)
        session.exec(delete(PersonalRecord).where(PersonalRecord.set_id == row_set.id))
        hits: list[records.RecordHit] = []
        announced: list[records.RecordHit] = []  # what the person is told about
        if done:
            history = _history_facts(session, user_id, row_set.exercise_id, row_set.id or 0)
            new = records.SetFact(exercise_id=row_set.exercise_id, session_id=row.id or 0, weight_kg=weight_kg,
                                  reps=reps, seconds=seconds, done=True, completed_at=row_set.completed_at)
            hits = records.records_for_new_set(history, new)
            if any(h.kind == records.SESSION_VOLUME for h in hits) and _volume_record_in(session, row_set):
                # This session already beat its best volume with an earlier set: the larger total
                # is kept, but announced once.
                announced = [h for h in hits if h.kind != records.SESSION_VOLUME]
            else:
                announced = hits
            for hit in hits:
                session.add(PersonalRecord(user_id=user_id, exercise_id=hit.exercise_id, kind=hit.kind,
                                           reps=hit.reps, value=hit.value, previous=hit.previous,
                                           set_id=row_set.id, session_id=row.id, achieved_at=now))
        _touch(row, session)
        session.flush()
        earned = achievements.award(session, user_id, now) if hits else []
        return SaveResult(session=_view(session, row), records=announced, milestones=earned)


def set_entry_note(user_id: int, entry_id: int, note: str) -> None:
    with db.transaction() as session:
        entry = _owned_entry(session, user_id, entry_id)
        entry.note = plain_text(note, label="A note", field="note", limit=MAX_NOTE)
        session.add(entry)


def set_session_details(user_id: int, session_id: int, *, name: str | None = None, note: str | None = None,
                        intensity=None) -> SessionView:
    with db.transaction() as session:
        row = _owned_session(session, user_id, session_id)
        if name is not None:
            name = plain_text(name, label="The workout's name", field="name", limit=120, multiline=False)
            if not name:
                raise ValidationError("Give the workout a name.", field="name")
            row.name = name
        if note is not None:
            row.note = plain_text(note, label="The workout's note", field="note", limit=MAX_SESSION_NOTE)
        if intensity is not None:
            row.intensity = field_number(intensity, "Intensity", "intensity", low=1, high=10, integer=True)
        _touch(row, session)
        session.flush()
        return _view(session, row)


def finish(user_id: int, session_id: int, *, intensity=None, now: datetime | None = None) -> FinishResult:
    """End the workout: end time and duration recorded; sets never ticked are dropped."""
    now = now or utcnow()
    parsed_intensity = field_number(intensity, "Intensity", "intensity", low=1, high=10, integer=True)
    with db.transaction() as session:
        row = _owned_session(session, user_id, session_id)
        if row.status == SESSION_FINISHED:
            return FinishResult(session=_view(session, row))
        done = session.exec(select(func.count()).where(WorkoutSet.session_id == row.id, WorkoutSet.done)).one()
        if not done:
            raise ValidationError("Tick at least one set before finishing, or discard the workout.",
                                  field="session")
        for unticked in session.exec(select(WorkoutSet).where(WorkoutSet.session_id == row.id,
                                                              WorkoutSet.done.is_(False))).all():
            session.delete(unticked)
        row.status = SESSION_FINISHED
        row.ended_at = now
        row.duration_seconds = max(0, int((now - row.started_at).total_seconds()))
        if parsed_intensity is not None:
            row.intensity = parsed_intensity
        _touch(row, session)
        session.flush()
        earned = achievements.award(session, user_id, now)
        return FinishResult(session=_view(session, row), milestones=earned)


def delete_session(user_id: int, session_id: int) -> None:
    """Delete a workout (open or finished) with its sets and the records they set."""
    with db.transaction() as session:
        row = _owned_session(session, user_id, session_id)
        session.delete(row)  # exercises, sets and records go with it (ON DELETE CASCADE)


def edit_finished(user_id: int, session_id: int, *, started_at: datetime | None = None,
                  duration_minutes=None) -> SessionView:
    """Correct a past workout's start time or length."""
    with db.transaction() as session:
        row = _owned_session(session, user_id, session_id)
        if row.status != SESSION_FINISHED:
            raise ValidationError("Finish the workout before editing its time.", field="session")
        if started_at is not None:
            if started_at > utcnow() + timedelta(minutes=5):
                raise ValidationError("A workout cannot start in the future.", field="started_at")
            row.started_at = started_at
        if duration_minutes is not None:
            minutes = field_number(duration_minutes, "Duration", "duration", low=1, high=24 * 60, integer=True)
            if minutes is None:
                raise ValidationError("Enter how many minutes the workout took.", field="duration")
            row.duration_seconds = int(minutes) * 60
        row.ended_at = row.started_at + timedelta(seconds=row.duration_seconds or 0)
        _touch(row, session)
        session.flush()
        return _view(session, row)


@dataclass
class HistoryItem:
    id: int
    name: str
    started_at: datetime
    duration_seconds: int | None
    intensity: int | None
    exercises: int
    sets: int
    volume_kg: float


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
                   func.count(), func.coalesce(func.sum(WorkoutSet.weight_kg * WorkoutSet.reps), 0))
            .where(col(WorkoutSet.session_id).in_(ids), WorkoutSet.done).group_by(WorkoutSet.session_id)
        ).all()} if ids else {}
        items = [HistoryItem(id=r.id or 0, name=r.name, started_at=r.started_at, duration_seconds=r.duration_seconds,
                             intensity=r.intensity, exercises=stats.get(r.id, (0, 0, 0))[0],
                             sets=stats.get(r.id, (0, 0, 0))[1], volume_kg=round(float(stats.get(r.id, (0, 0, 0))[2]), 1))
                 for r in rows]
        return HistoryPage(items=items, page=page, pages=pages, total=int(total))


def logged_exercises(user_id: int) -> list[str]:
    """Ids of the exercises the person has done sets of, most-logged first."""
    with db.read_only() as session:
        rows = session.exec(
            select(WorkoutSet.exercise_id, func.count()).where(WorkoutSet.user_id == user_id, WorkoutSet.done)
            .group_by(WorkoutSet.exercise_id).order_by(func.count().desc())
        ).all()
        return [exercise_id for exercise_id, _ in rows]


def session_records(user_id: int, session_id: int) -> list[PersonalRecord]:
    """The personal records set in one of the person's workouts."""
    with db.read_only() as session:
        _owned_session(session, user_id, session_id)
        return list(session.exec(select(PersonalRecord).where(PersonalRecord.user_id == user_id,
                                                              PersonalRecord.session_id == session_id)).all())
