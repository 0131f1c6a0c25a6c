"""A workout's sets: pre-filling them when an exercise joins the workout, adding, moving and
removing one, and saving one the moment it is done (its numbers checked by `set_values`, the
personal records it sets kept and announced).

Sets are pre-filled with what the person did last time for that exercise (the most recent
finished session that has it), within the plan's target for the week when the exercise
comes from a plan, else with that target.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import delete, update
from sqlmodel import Session, col, select

from vigor_app import db
from vigor_app.clock import utcnow
from vigor_app.models import PersonalRecord, SessionExercise, WorkoutSession, WorkoutSet
from vigor_app.models.ids import saved_id
from vigor_app.models.workout import SESSION_FINISHED
from vigor_app.services.catalogue import catalogue
from vigor_app.services.errors import ValidationError
from vigor_app.services.plans import warmups
from vigor_app.services.plans.progression import load_step_kg
from vigor_app.services.plans.timing import parse_reps
from vigor_app.services.training import (
    achievements,
    milestones,
    plates,
    record_history,
    records,
    set_kinds,
)
from vigor_app.services.training.set_values import check_clock, check_distance, check_set_values
from vigor_app.services.training.workout_views import (
    SessionView,
    SetView,
    changed,
    owned_entry,
    owned_session,
    owned_set,
    reorder,
    session_view,
    touch,
)
from vigor_app.services.units import KG

MAX_SETS_PER_EXERCISE = 20
DEFAULT_SETS = 3


@dataclass
class SaveResult:
    saved: SetView  # the set as stored
    records: list[records.RecordHit]
    milestones: list[milestones.Milestone] = field(default_factory=list)
    session: SessionView | None = None  # the whole workout after the change, when asked for


def last_performance(session: Session, user_id: int, exercise_id: str) -> list[WorkoutSet]:
    """The done sets of the most recent finished session that has this exercise."""
    latest = session.exec(
        select(WorkoutSet.session_id)
        .join(WorkoutSession, col(WorkoutSession.id) == WorkoutSet.session_id)
        .where(WorkoutSet.user_id == user_id, WorkoutSet.exercise_id == exercise_id, set_kinds.counted(),
               WorkoutSession.status == SESSION_FINISHED)
        .order_by(col(WorkoutSession.started_at).desc())
        .limit(1)
    ).first()
    if latest is None:
        return []
    return list(session.exec(
        select(WorkoutSet).where(WorkoutSet.session_id == latest, WorkoutSet.exercise_id == exercise_id,
                                 set_kinds.counted()).order_by(col(WorkoutSet.position))
    ).all())


def last_working_weights(user_id: int, exercise_ids: list[str]) -> dict[str, float]:
    """The heaviest done set of the last finished session that had each exercise (its working
    weight), for the exercises that have one."""
    weights: dict[str, float] = {}
    with db.read_only() as session:
        for exercise_id in dict.fromkeys(exercise_ids):
            loads = [s.weight_kg for s in last_performance(session, user_id, exercise_id) if s.weight_kg]
            if loads:
                weights[exercise_id] = max(loads)
    return weights


def prefill_sets(session: Session, user_id: int, entry: SessionExercise, *, load_factor: float = 1.0,
                 ramp: list[dict] | None = None, unit: str = KG) -> None:
    """The sets of an exercise just added to a workout: first the plan's warm-up `ramp` as
    warm-up sets, once a working weight is known; then as many working sets as its target
    (else as last time, else DEFAULT_SETS; one for a run or a row), with last time's reps or
    seconds kept within the target (its bottom when there is no last time; last time's when there is no target) and
    last time's weight, times `load_factor` rounded down to the kit's load step when it is
    below 1 (a deload week). Warm-ups of last time are never copied."""
    previous = last_performance(session, user_id, entry.exercise_id)
    parsed = parse_reps(entry.target_reps)
    found = catalogue.find_exercise(entry.exercise_id)
    first_time = 1 if found is not None and found.logs_distance else DEFAULT_SETS  # a run is one set
    count = entry.target_sets or (len(previous) or first_time)
    warmup_sets = _warmup_sets(entry.exercise_id, ramp, previous, load_factor, unit)
    for position, (ramp_weight, ramp_reps) in enumerate(warmup_sets):
        session.add(WorkoutSet(session_exercise_id=saved_id(entry), session_id=entry.session_id, user_id=user_id,
                               exercise_id=entry.exercise_id, position=position, reps=ramp_reps,
                               weight_kg=ramp_weight, kind=set_kinds.WARMUP, done=False))
    first = len(warmup_sets)
    for position_in_entry in range(min(count, MAX_SETS_PER_EXERCISE - first)):
        last = previous[min(position_in_entry, len(previous) - 1)] if previous else None
        reps = last.reps if last else None
        seconds = last.seconds if last else None
        distance_m = last.distance_m if last else None
        if parsed is not None:  # this week's target: last time's count, kept within it
            before = (last.seconds if parsed.timed else last.reps) if last else None
            wanted = min(max(before or parsed.low, parsed.low), parsed.high)
            reps, seconds = (None, wanted) if parsed.timed else (wanted, None)
        weight = last.weight_kg if last else None
        if weight is not None and load_factor < 1:
            weight = lighter(weight, load_factor, entry.exercise_id)
        session.add(WorkoutSet(session_exercise_id=saved_id(entry), session_id=entry.session_id, user_id=user_id,
                               exercise_id=entry.exercise_id, position=first + position_in_entry, reps=reps,
                               seconds=seconds, weight_kg=weight, rpe=None, done=False, distance_m=distance_m))


def _warmup_sets(exercise_id: str, ramp: list[dict] | None, previous: list[WorkoutSet], load_factor: float,
                 unit: str) -> list[tuple[float | None, int]]:
    """The plan's warm-up ramp as (weight, reps) sets, once a working weight is known (last
    time's heaviest set, lightened in a deload week); none without a ramp or a weight."""
    found = catalogue.find_exercise(exercise_id)
    loads = [s.weight_kg for s in previous if s.weight_kg]
    if not ramp or found is None or not loads:
        return []
    working = max(loads) * load_factor
    return [(one.weight_kg, one.reps) for one in warmups.ramp(ramp, working, warmups.kit_of(found), unit)
            if one.weight_kg]


def lighter(weight_kg: float, factor: float, exercise_id: str) -> float:
    """`weight_kg` times `factor`, rounded down to the exercise's load step (2.5 kg when the
    exercise is not in the catalogue), never below one step."""
    found = catalogue.find_exercise(exercise_id)
    step = load_step_kg(found.equipment_set) if found else 0.0
    step = step or 2.5
    return max(step, math.floor(weight_kg * factor / step) * step)


def move_set(user_id: int, set_id: int, offset: int) -> SessionView:
    """Move a set up (-1) or down (+1) among its exercise's sets."""
    return reorder(user_id, owned_set, set_id, offset, within=WorkoutSet.session_exercise_id)


def add_set(user_id: int, entry_id: int) -> SessionView:
    """Another set, pre-filled with the previous set's numbers."""
    with db.transaction() as session:
        entry = owned_entry(session, user_id, entry_id)
        row = owned_session(session, user_id, entry.session_id)
        sets = list(session.exec(select(WorkoutSet).where(WorkoutSet.session_exercise_id == entry.id)
                                 .order_by(col(WorkoutSet.position))).all())
        if len(sets) >= MAX_SETS_PER_EXERCISE:
            raise ValidationError(f"At most {MAX_SETS_PER_EXERCISE} sets per exercise.", field="set")
        last = sets[-1] if sets else None
        session.add(WorkoutSet(session_exercise_id=saved_id(entry), session_id=saved_id(row), user_id=user_id,
                               exercise_id=entry.exercise_id, position=(last.position + 1) if last else 0,
                               reps=last.reps if last else None, seconds=last.seconds if last else None,
                               weight_kg=last.weight_kg if last else None,
                               distance_m=last.distance_m if last else None,
                               kind=last.kind if last and last.kind != set_kinds.WARMUP else set_kinds.NORMAL))
        return changed(session, row)


DRAFT_FIELDS = ("reps", "seconds", "weight", "rpe", "distance", "time")


def keep_draft(user_id: int, set_id: int, field_name: str, value: object, *, weight_unit: str = KG) -> bool:
    """Keep what the person is typing into a set not yet done, one field at a time, so a
    reload or a lost connection keeps it (ticking the set still saves it whole). A value that
    is not (yet) a valid number is not kept and the set keeps its last one: the tick says
    what is wrong. Returns whether it was kept; a done set is never changed here."""
    if field_name not in DRAFT_FIELDS:
        raise ValidationError("That is not part of a set.", field="set")
    try:
        if field_name == "distance":
            column, number = "distance_m", check_distance(value, weight_unit)
        elif field_name == "time":
            column, number = "seconds", check_clock(value, plain_minutes=True)
        else:
            typed = {"reps": None, "seconds": None, "weight": None, "rpe": None, field_name: value}
            reps, seconds, weight_kg, rpe = check_set_values(typed["reps"], typed["seconds"], typed["weight"],
                                                             typed["rpe"], weight_unit)
            column = {"reps": "reps", "seconds": "seconds", "weight": "weight_kg", "rpe": "rpe"}[field_name]
            number = {"reps": reps, "seconds": seconds, "weight_kg": weight_kg, "rpe": rpe}[column]
    except ValidationError:
        return False
    with db.transaction() as session:  # typed a keystroke pause at a time: two plain UPDATEs
        kept = session.execute(
            update(WorkoutSet)
            .where(col(WorkoutSet.id) == set_id, col(WorkoutSet.user_id) == user_id, ~col(WorkoutSet.done))
            .values({column: number}).returning(col(WorkoutSet.session_id))
        ).first()
        if kept is None:
            owned_set(session, user_id, set_id)  # NotFound for nobody's or someone else's set
            return False  # done: never changed here
        session.execute(update(WorkoutSession).where(col(WorkoutSession.id) == kept[0], col(WorkoutSession.user_id)
                                                     == user_id).values(updated_at=utcnow()))
    return True


def add_warmups(user_id: int, entry_id: int, steps: list[tuple[float, int]]) -> SessionView:
    """Put warm-up sets (weight in kg, reps) before an exercise's sets, replacing the
    warm-ups not yet done (the warm-up calculator's ramp)."""
    with db.transaction() as session:
        entry = owned_entry(session, user_id, entry_id)
        row = owned_session(session, user_id, entry.session_id)
        sets = list(session.exec(select(WorkoutSet).where(WorkoutSet.session_exercise_id == entry.id)
                                 .order_by(col(WorkoutSet.position))).all())
        kept = [s for s in sets if s.done or s.kind != set_kinds.WARMUP]
        if not steps:
            raise ValidationError("Enter a working weight to warm up to.", field="warmup")
        if len(kept) + len(steps) > MAX_SETS_PER_EXERCISE:
            raise ValidationError(f"At most {MAX_SETS_PER_EXERCISE} sets per exercise.", field="warmup")
        for gone in sets:
            if gone not in kept:
                session.delete(gone)
        done_warmups = [s for s in kept if s.kind == set_kinds.WARMUP]
        others = [s for s in kept if s.kind != set_kinds.WARMUP]
        new = [WorkoutSet(session_exercise_id=saved_id(entry), session_id=saved_id(row), user_id=user_id,
                          exercise_id=entry.exercise_id, reps=reps, weight_kg=weight, kind=set_kinds.WARMUP)
               for weight, reps in steps]
        for position, one in enumerate([*done_warmups, *new, *others]):
            one.position = position
            session.add(one)
        return changed(session, row)


def add_warmup_ramp(user_id: int, entry_id: int, working: object) -> SessionView:
    """The warm-up calculator's ramp up to a working weight (typed in the person's units), as
    warm-up sets before the exercise's sets."""
    with db.read_only() as session:
        exercise_id = owned_entry(session, user_id, entry_id).exercise_id
    calculation = plates.calculate(user_id, exercise_id, working)
    if calculation is None or not calculation.warmups:
        raise ValidationError("Type a working weight heavy enough to warm up to.", field="warmup")
    return add_warmups(user_id, entry_id, calculation.warmup_sets_kg())


def set_kind(user_id: int, set_id: int, kind: str) -> SessionView:
    """Mark a set as a working, warm-up, drop or failure set (``set_kinds``). A done set's
    records follow: a warm-up loses any it had; a set that counts again is judged when it is
    next saved."""
    chosen = set_kinds.read_kind(kind)
    if chosen is None:
        raise ValidationError("A set is a working set, a warm-up, a drop set or a set to failure.",
                              field="kind")
    with db.transaction() as session:
        row_set = owned_set(session, user_id, set_id)
        row = owned_session(session, user_id, row_set.session_id)
        row_set.kind = chosen
        session.add(row_set)
        if not set_kinds.counts(chosen):
            session.exec(delete(PersonalRecord).where(col(PersonalRecord.set_id) == row_set.id))
        return changed(session, row)


def remove_set(user_id: int, set_id: int) -> SessionView:
    with db.transaction() as session:
        row_set = owned_set(session, user_id, set_id)
        row = owned_session(session, user_id, row_set.session_id)
        session.delete(row_set)  # its records go with it (ON DELETE CASCADE)
        return changed(session, row)


def _volume_record_in(session: Session, row_set: WorkoutSet) -> bool:
    """Whether this session already holds a session-volume record for the set's exercise."""
    return session.exec(
        select(PersonalRecord.id).where(
            PersonalRecord.session_id == row_set.session_id,
            PersonalRecord.exercise_id == row_set.exercise_id,
            PersonalRecord.kind == records.SESSION_VOLUME)
    ).first() is not None


def save_set(user_id: int, set_id: int, *, reps=None, seconds=None, weight_kg=None, rpe=None, done: bool = True,
             weight_unit: str = KG, distance=None, time=None, now: datetime | None = None,
             with_session: bool = True, changed_at: datetime | None = None) -> SaveResult:
    """Save one set at once (the person ticks it done). Returns any records it set.

    `weight_kg` is the weight as the person typed it, in `weight_unit` (kilograms unless that
    says "lb"); it is stored in kilograms. A run or a row comes as `distance` (typed in km, or
    in miles for a "lb" person; stored in metres) and `time` (typed "25:30" or minutes; it
    replaces `seconds`). With `with_session=False` the whole workout is not read back (the log
    page, which already shows it, changes the one set). `changed_at`: when the person made the
    change, where that was not now (a change queued on a phone while offline)."""
    reps, seconds, weight_kg, rpe = check_set_values(reps, seconds, weight_kg, rpe, weight_unit)
    distance_m = check_distance(distance, weight_unit)
    if time is not None:
        seconds = check_clock(time, plain_minutes=True)
    if done and reps is None and seconds is None and distance_m is None:
        raise ValidationError("Enter the reps (or the time or distance) you did.", field="reps")
    now = now or utcnow()
    with db.transaction() as session:
        row_set = owned_set(session, user_id, set_id)
        row = owned_session(session, user_id, row_set.session_id)
        row_set.reps, row_set.seconds, row_set.weight_kg, row_set.rpe = reps, seconds, weight_kg, rpe
        row_set.distance_m = distance_m
        row_set.done = bool(done)
        row_set.completed_at = (row_set.completed_at or now) if done else None
        row_set.changed_at = changed_at or now
        session.add(row_set)
        session.exec(delete(PersonalRecord).where(col(PersonalRecord.set_id) == row_set.id))
        hits: list[records.RecordHit] = []
        announced: list[records.RecordHit] = []  # what the person is told about
        if done and set_kinds.counts(row_set.kind):  # a warm-up sets no record
            history = record_history.earlier_sets(session, user_id, row_set.exercise_id, row_set.id or 0,
                                                  row.id or 0, reps, row_set.completed_at or now)
            new = records.SetFact(exercise_id=row_set.exercise_id, session_id=row.id or 0, weight_kg=weight_kg,
                                  reps=reps, seconds=seconds, done=True, completed_at=row_set.completed_at or now,
                                  distance_m=distance_m)
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
        touch(row, session)
        session.flush()
        earned = achievements.award(session, user_id, now, measures=milestones.SET_MEASURES) if hits else []
        saved = SetView(id=row_set.id or 0, position=row_set.position, reps=row_set.reps, seconds=row_set.seconds,
                        weight_kg=row_set.weight_kg, rpe=row_set.rpe, done=row_set.done, kind=row_set.kind,
                        distance_m=row_set.distance_m, changed_at=row_set.changed_at)
        return SaveResult(saved=saved, records=announced, milestones=earned,
                          session=session_view(session, row) if with_session else None)
