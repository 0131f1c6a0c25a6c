"""Training history inserted straight through the models, for service tests and the bench.

Two ways in:

- Small, hand-made history for tests: `set_profile`, `add_plan`, `add_session`,
  `add_body_metric`, `add_record`. Each writes through `db.transaction()` (the configured
  database) and returns the new row's id, so a test can compute the expected figures by hand.
- Years of history for the bench: `seed_history` generates a realistic training life
  (programmes that change every few months, progressive loads with stalls and deloads,
  holidays, weekly weigh-ins, the records the sets set) and bulk-inserts it with SQLAlchemy
  Core, tens of thousands of rows in seconds.

Times are aware datetimes (UTC is what gets stored); weights are kilograms.
"""

from __future__ import annotations

import math
import random
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, insert, text
from sqlalchemy.engine import Engine
from sqlmodel import select

from vigor_app import db
from vigor_app.models import (
    BodyMetric,
    FitnessProfile,
    PersonalRecord,
    SessionExercise,
    WorkoutPlan,
    WorkoutSession,
    WorkoutSet,
)
from vigor_app.models.workout import SESSION_FINISHED, SESSION_OPEN
from vigor_app.services.catalogue import catalogue
from vigor_app.services.training import records as record_rules
from vigor_app.services.training.records import E1RM, estimated_1rm


@dataclass(frozen=True)
class LoggedSet:
    """One set to insert. Tuples work too: (reps, weight_kg) or (reps, weight_kg, rpe).

    A run or a row has a `distance_m` (metres) and `seconds`; `kind` is a set type of
    ``set_kinds`` (a warm-up never counts)."""

    reps: int | None = None
    weight_kg: float | None = None
    rpe: float | None = None
    done: bool = True
    seconds: int | None = None
    distance_m: float | None = None
    kind: str = "normal"


SetLike = LoggedSet | tuple


def _as_set(value: SetLike) -> LoggedSet:
    if isinstance(value, LoggedSet):
        return value
    return LoggedSet(*value)


def local_time(day: date, hour: int, minute: int = 0, timezone: str = "UTC") -> datetime:
    """`day` at `hour:minute` wall-clock time in `timezone`, as an aware UTC datetime."""
    return datetime.combine(day, time(hour, minute), tzinfo=ZoneInfo(timezone)).astimezone(UTC)


# --- small, hand-made history ----------------------------------------------------------------


def set_profile(user_id: int, *, timezone: str = "UTC", days_per_week: int = 3,
                units: str = "kg", **fields: Any) -> None:
    """Create or change the person's fitness profile row directly (no validation)."""
    with db.transaction() as session:
        row = session.exec(select(FitnessProfile).where(FitnessProfile.user_id == user_id)).first()
        if row is None:
            row = FitnessProfile(user_id=user_id)
        row.timezone = timezone
        row.days_per_week = days_per_week
        row.units = units
        for key, value in fields.items():
            setattr(row, key, value)
        session.add(row)


def plan_day(name: str, weekday: str | None, exercises: Sequence[str], *, sets: int = 3,
             reps: str = "8-12", rpe: float = 8.0, focus: str = "") -> dict[str, Any]:
    """One plan day in the stored plan schema (see services/plans/weekly_plan.py)."""
    items = []
    for exercise_id in exercises:
        found = catalogue.find_exercise(exercise_id)
        items.append({
            "exercise_id": exercise_id, "name": found.name if found else exercise_id, "sets": sets,
            "reps": reps, "rest_seconds": 90, "rpe": rpe, "reason": "", "easier": None,
            "harder": None, "progression": "double_progression",
        })
    return {"name": name, "weekday": weekday, "focus": focus, "estimated_minutes": 45,
            "warmup": [], "exercises": items, "cooldown": []}


def add_plan(user_id: int, days: Sequence[Mapping[str, Any]], *, name: str = "Test plan",
             active: bool = True, created_at: datetime | None = None) -> int:
    """Store a plan with the given days (see `plan_day`); returns its id."""
    plan = {"engine": "builtin", "seed": 0, "split": "full_body", "inputs": {},
            "days": [dict(d) for d in days], "rest_days": []}
    with db.transaction() as session:
        row = WorkoutPlan(user_id=user_id, name=name, is_active=active, plan=plan,
                          created_at=created_at or datetime.now(UTC))
        session.add(row)
        session.flush()
        return row.id or 0


def add_session(
    user_id: int,
    started_at: datetime,
    exercises: Mapping[str, Sequence[SetLike]] | Sequence[tuple[str, Sequence[SetLike]]],
    *,
    minutes: int = 60,
    timezone: str = "UTC",
    finished: bool = True,
    plan_id: int | None = None,
    plan_day_index: int | None = None,
    name: str = "Workout",
    target_reps: str = "",
    target_rpe: float | None = None,
    target_sets: int | None = None,
) -> int:
    """Insert one session with its exercises and sets; returns the session id.

    `exercises` maps exercise ids to their sets, in order. A finished session lasts
    `minutes`; an open one has no end. Done sets get a completion time inside the session.
    """
    pairs = list(exercises.items()) if isinstance(exercises, Mapping) else list(exercises)
    with db.transaction() as session:
        row = WorkoutSession(
            user_id=user_id, plan_id=plan_id, plan_day_index=plan_day_index, name=name,
            status=SESSION_FINISHED if finished else SESSION_OPEN, started_at=started_at,
            ended_at=started_at + timedelta(minutes=minutes) if finished else None,
            duration_seconds=minutes * 60 if finished else None, timezone=timezone,
            created_at=started_at, updated_at=started_at,
        )
        session.add(row)
        session.flush()
        for position, (exercise_id, sets) in enumerate(pairs):
            entry = SessionExercise(
                session_id=row.id, user_id=user_id, exercise_id=exercise_id, position=position,
                target_sets=target_sets, target_reps=target_reps, target_rpe=target_rpe,
            )
            session.add(entry)
            session.flush()
            for set_position, raw in enumerate(sets):
                logged = _as_set(raw)
                session.add(WorkoutSet(
                    session_exercise_id=entry.id, session_id=row.id, user_id=user_id,
                    exercise_id=exercise_id, position=set_position, reps=logged.reps,
                    seconds=logged.seconds, weight_kg=logged.weight_kg, rpe=logged.rpe,
                    done=logged.done, distance_m=logged.distance_m, kind=logged.kind,
                    completed_at=started_at + timedelta(minutes=1 + position * 10 + set_position * 2)
                    if logged.done else None,
                ))
        return row.id or 0


def add_body_metric(user_id: int, measured_on: date, **values: float | None) -> int:
    """One day's body metrics (weight_kg, body_fat_pct, waist_cm, chest_cm, arms_cm, thighs_cm)."""
    with db.transaction() as session:
        row = BodyMetric(user_id=user_id, measured_on=measured_on, **values)
        session.add(row)
        session.flush()
        return row.id or 0


def add_record(user_id: int, exercise_id: str, value: float, achieved_at: datetime, *,
               kind: str = E1RM, reps: int | None = None, previous: float | None = None,
               session_id: int | None = None) -> int:
    with db.transaction() as session:
        row = PersonalRecord(user_id=user_id, exercise_id=exercise_id, kind=kind, reps=reps,
                             value=value, previous=previous, session_id=session_id,
                             achieved_at=achieved_at)
        session.add(row)
        session.flush()
        return row.id or 0


# --- years of history, in bulk ---------------------------------------------------------------

# A lift in a programme: catalogue id, sets, rep target, starting load (kg) and the load a
# year of steady training adds. Bodyweight lifts (start 0) progress in reps instead.
@dataclass(frozen=True)
class _Lift:
    exercise_id: str
    sets: int
    reps: tuple[int, int]
    start_kg: float
    gain_per_year_kg: float
    step_kg: float = 2.5


def _l(exercise_id: str, sets: int, reps: tuple[int, int], start: float, gain: float,
       step: float = 2.5) -> _Lift:
    return _Lift(exercise_id, sets, reps, start, gain, step)


# Programmes a person moves through over the years: (name, days), each day a list of lifts.
TIMED_LIFT = "forearm-plank"  # its sets are holds, in seconds
PROGRAMMES: tuple[tuple[str, tuple[tuple[str, tuple[_Lift, ...]], ...]], ...] = (
    ("Upper / lower", (
        ("Upper A", (
            _l("barbell-bench-press", 5, (5, 8), 60, 12), _l("barbell-row", 4, (6, 10), 50, 10),
            _l("barbell-overhead-press", 4, (5, 8), 35, 6), _l("lat-pulldown", 4, (8, 12), 45, 8),
            _l("dumbbell-lateral-raise", 4, (12, 15), 6, 1.5, 1.0),
            _l("dumbbell-biceps-curl", 4, (10, 12), 10, 2, 1.0),
            _l("triceps-pushdown", 3, (10, 15), 20, 5))),
        ("Lower A", (
            _l("barbell-back-squat", 5, (5, 8), 70, 18), _l("barbell-romanian-deadlift", 4, (6, 10), 60, 12),
            _l("leg-press", 4, (10, 15), 120, 25, 5.0), _l("lying-leg-curl", 4, (8, 12), 35, 6, 5.0),
            _l("machine-calf-raise", 4, (12, 15), 50, 10, 5.0), _l("cable-crunch", 3, (10, 15), 30, 5))),
        ("Upper B", (
            _l("incline-dumbbell-press", 4, (8, 12), 22, 4, 2.0), _l("pull-up", 5, (5, 10), 0, 0),
            _l("seated-cable-row", 4, (8, 12), 50, 10), _l("dumbbell-overhead-press", 4, (8, 12), 16, 3, 2.0),
            _l("cable-face-pull", 3, (12, 20), 20, 4), _l("hammer-curl", 3, (10, 12), 12, 2, 2.0),
            _l("close-grip-bench-press", 3, (6, 10), 50, 8))),
        ("Lower B", (
            _l("barbell-deadlift", 4, (3, 6), 90, 20), _l("barbell-front-squat", 4, (5, 8), 50, 10),
            _l("dumbbell-bulgarian-split-squat", 3, (8, 12), 14, 3, 2.0),
            _l("barbell-hip-thrust", 4, (8, 12), 70, 15), _l("seated-leg-curl", 3, (10, 15), 35, 6, 5.0),
            _l("forearm-plank", 3, (30, 60), 0, 0))),
    )),
    ("Push / pull / legs", (
        ("Push", (
            _l("barbell-bench-press", 5, (4, 6), 60, 12), _l("seated-dumbbell-shoulder-press", 4, (8, 12), 18, 3, 2.0),
            _l("machine-chest-press", 4, (10, 15), 50, 10, 5.0), _l("cable-lateral-raise", 4, (12, 15), 8, 2),
            _l("cable-fly", 3, (12, 15), 12, 3), _l("dumbbell-overhead-triceps-extension", 4, (10, 15), 16, 3, 2.0),
            _l("push-up", 3, (10, 20), 0, 0))),
        ("Pull", (
            _l("pendlay-row", 5, (5, 8), 55, 10), _l("chin-up", 4, (5, 10), 0, 0),
            _l("chest-supported-dumbbell-row", 4, (8, 12), 20, 4, 2.0), _l("straight-arm-pulldown", 3, (12, 15), 20, 4),
            _l("machine-reverse-fly", 3, (12, 20), 25, 5, 5.0), _l("barbell-curl", 4, (8, 12), 25, 5),
            _l("cable-curl", 3, (12, 15), 15, 3))),
        ("Legs", (
            _l("barbell-back-squat", 5, (4, 6), 70, 18), _l("sumo-deadlift", 4, (3, 6), 90, 20),
            _l("hack-squat-machine", 4, (8, 12), 60, 15, 5.0), _l("leg-extension", 4, (12, 15), 40, 8, 5.0),
            _l("lying-leg-curl", 4, (10, 15), 35, 6, 5.0), _l("machine-calf-raise", 4, (12, 15), 50, 10, 5.0),
            _l("machine-crunch", 3, (12, 15), 35, 6, 5.0))),
    )),
)
# Warm-up ramps before a day's first two lifts (when they are loaded): (share of the working
# weight, reps); the bar alone (20 kg) is the floor.
WARMUP_RAMP = ((0.4, 8), (0.6, 5), (0.8, 3))
BAR_KG = 20.0
# Cardio: a run every Sunday (its own session) and a row after the week's first session.
RUN, ROW = "running", "rowing-machine-steady"
# The weekdays a week of training uses (Monday = 0), by the number of sessions that week.
WEEKDAY_SLOTS = {3: (0, 2, 4), 4: (0, 1, 3, 4), 5: (0, 1, 2, 4, 5)}
PLAN_WEEKDAYS = {3: ("mon", "wed", "fri"), 4: ("mon", "tue", "thu", "fri")}
PROGRAMME_WEEKS = 26  # a new programme every half year


@dataclass(frozen=True)
class SeedReport:
    user_id: int
    plan_id: int | None
    sessions: int
    exercises: int
    sets: int
    records: int
    body_metrics: int
    first_day: date
    last_day: date
    warmup_sets: int = 0
    drop_sets: int = 0
    failure_sets: int = 0
    cardio_sets: int = 0  # runs and rows, with a distance and a time


def _next_ids(conn, tables: Iterable[Any]) -> dict[str, int]:
    return {t.name: (conn.execute(select(func.max(t.c.id))).one()[0] or 0) + 1 for t in tables}


def _round_to(value: float, step: float) -> float:
    return round(max(step, math.floor(value / step) * step), 2)


def programme_plan(programme: int) -> dict[str, Any]:
    """The stored plan (schema of weekly_plan.py) for one of `PROGRAMMES`."""
    name, days = PROGRAMMES[programme]
    weekdays = PLAN_WEEKDAYS[len(days)]
    plan_days = []
    for (day_name, lifts), weekday in zip(days, weekdays, strict=True):
        day = plan_day(f"{day_name}", weekday, [lift.exercise_id for lift in lifts], focus=name)
        for item, lift in zip(day["exercises"], lifts, strict=True):
            item["sets"] = lift.sets
            item["reps"] = f"{lift.reps[0]}s" if lift.exercise_id == TIMED_LIFT else \
                f"{lift.reps[0]}-{lift.reps[1]}"
        plan_days.append(day)
    return {"engine": "builtin", "seed": 0, "split": "upper_lower" if len(days) == 4 else
            "push_pull_legs", "inputs": {}, "days": plan_days,
            "rest_days": [d for d in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
                          if d not in weekdays]}


def seed_history(
    user_id: int,
    *,
    years: float = 5.0,
    now: datetime | None = None,
    timezone: str = "Europe/Berlin",
    seed: int = 20261122,
    engine: Engine | None = None,
    with_plan: bool = True,
    chunk: int = 5000,
) -> SeedReport:
    """Generate `years` of training ending yesterday and bulk-insert it for `user_id`.

    About 4.5 sessions a week (some 1,200 in five years) of six or seven lifts with three to
    five sets each (about 30,000 working sets): a programme change every 26 weeks, a deload
    week every ninth week, busy weeks and holiday weeks, loads rising on a diminishing-returns
    curve with day-to-day noise; set types as people log them (a warm-up ramp before the
    first two loaded lifts of a day, now and then a drop set after an isolation lift's last
    set and a last set taken to failure); cardio (a Sunday run of 5 to 16 km, its pace
    improving over the years, and a 2 to 6 km row after the week's first session, with
    distance and time); a weigh-in twice a week with monthly tape measurements; and the
    records the sets set (e1RM for lifts, never from a warm-up; distance, 5 km time and pace
    for runs and rows, by the record rules). With `with_plan`, the programme in use at the
    end is stored as the person's active plan and its sessions point at it. Explicit ids are
    used (after the highest existing ones), so nothing is read back while inserting.
    """
    rng = random.Random(seed)
    engine = engine or db.get_engine()
    zone = ZoneInfo(timezone)
    now = now or datetime.now(UTC)
    last_day = now.astimezone(zone).date() - timedelta(days=1)
    first_day = last_day - timedelta(days=int(years * 365.25))
    first_day -= timedelta(days=first_day.weekday())  # start on a Monday
    total_weeks = (last_day - first_day).days // 7 + 1
    final_programme = ((total_weeks - 1) // PROGRAMME_WEEKS) % len(PROGRAMMES)

    plans_table = WorkoutPlan.__table__
    tables = [WorkoutSession.__table__, SessionExercise.__table__, WorkoutSet.__table__,
              PersonalRecord.__table__, BodyMetric.__table__]
    with engine.begin() as conn:
        ids = _next_ids(conn, [plans_table, *tables])

    plan_rows: list[dict[str, Any]] = []
    plan_id = None
    if with_plan:
        plan_id = ids[plans_table.name]
        created = now - timedelta(weeks=(total_weeks - 1) % PROGRAMME_WEEKS + 1)
        plan_rows.append({
            "id": plan_id, "user_id": user_id, "name": PROGRAMMES[final_programme][0],
            "is_active": True, "engine": "builtin", "seed": 0, "inputs": {},
            "plan": programme_plan(final_programme), "created_at": created, "updated_at": created,
        })

    sessions: list[dict[str, Any]] = []
    entries: list[dict[str, Any]] = []
    sets: list[dict[str, Any]] = []
    records: list[dict[str, Any]] = []
    metrics: list[dict[str, Any]] = []
    best_e1rm: dict[str, float] = {}
    cardio_history: dict[str, list[record_rules.SetFact]] = {RUN: [], ROW: []}
    kinds_seeded = dict.fromkeys(("warmup", "drop", "failure", "cardio"), 0)
    holiday_weeks = {w for w in range(total_weeks) if rng.random() < 0.04}
    sid, eid, wid, rid = (ids[t.name] for t in tables[:4])

    def add_set(entry_id: int, session_id: int, exercise_id: str, position: int, at: datetime,
                **values: Any) -> int:
        nonlocal wid
        row = {"id": wid, "session_exercise_id": entry_id, "session_id": session_id, "user_id": user_id,
               "exercise_id": exercise_id, "position": position, "reps": None, "seconds": None,
               "weight_kg": None, "distance_m": None, "rpe": None, "done": True, "completed_at": at,
               "kind": "normal"}
        row.update(values)
        sets.append(row)
        wid += 1
        return row["id"]

    def cardio(session_id: int, position: int, exercise_id: str, at: datetime, metres: float,
               seconds: int) -> None:
        """One run or row: the entry, the set, the records it sets by the record rules."""
        nonlocal eid, rid
        entries.append({"id": eid, "session_id": session_id, "user_id": user_id, "exercise_id": exercise_id,
                        "position": position, "note": "", "target_sets": 1, "target_reps": "",
                        "target_rpe": None, "rest_seconds": 60})
        set_id = add_set(eid, session_id, exercise_id, 0, at, distance_m=metres, seconds=seconds,
                         rpe=round(6 + rng.random() * 2, 1))
        eid += 1
        kinds_seeded["cardio"] += 1
        fact = record_rules.SetFact(exercise_id, session_id, None, None, seconds, True, at, distance_m=metres)
        for hit in record_rules.records_for_new_set(cardio_history[exercise_id], fact):
            records.append({"id": rid, "user_id": user_id, "exercise_id": exercise_id, "kind": hit.kind,
                            "reps": None, "value": hit.value, "previous": hit.previous, "set_id": set_id,
                            "session_id": session_id, "achieved_at": at})
            rid += 1
        cardio_history[exercise_id].append(fact)

    def session_row(session_id: int, started: datetime, minutes: int, name: str, on_plan: bool,
                    day_index: int | None) -> dict[str, Any]:
        return {"id": session_id, "user_id": user_id, "plan_id": plan_id if on_plan else None,
                "plan_day_index": day_index if on_plan else None, "name": name, "status": SESSION_FINISHED,
                "started_at": started, "ended_at": started + timedelta(minutes=minutes),
                "duration_seconds": minutes * 60, "intensity": rng.randint(5, 9), "note": "",
                "timezone": timezone, "analysis": {}, "created_at": started,
                "updated_at": started + timedelta(minutes=minutes)}

    for week in range(total_weeks):
        monday = first_day + timedelta(weeks=week)
        if week in holiday_weeks:
            continue
        programme = (week // PROGRAMME_WEEKS) % len(PROGRAMMES)
        programme_name, days = PROGRAMMES[programme]
        deload = week % 9 == 8
        training_days = (5 if rng.random() < 0.8 else 4) - (1 if rng.random() < 0.12 else 0)
        slots = WEEKDAY_SLOTS[training_days]
        years_in = (monday - first_day).days / 365.25
        for n, weekday in enumerate(slots):
            day = monday + timedelta(days=weekday)
            if day > last_day:
                continue
            day_index = (week * 5 + n) % len(days)
            day_name, lifts = days[day_index]
            started = datetime.combine(
                day, time(rng.choice((6, 7, 17, 18, 19)), rng.choice((0, 15, 30, 45))), tzinfo=zone
            ).astimezone(UTC)
            minutes = rng.randint(50, 85)
            session_id = sid
            sid += 1
            on_plan = plan_id is not None and programme == final_programme and \
                week // PROGRAMME_WEEKS == (total_weeks - 1) // PROGRAMME_WEEKS
            sessions.append(session_row(session_id, started, minutes, f"{programme_name}: {day_name}",
                                        on_plan, day_index))
            clock = started
            for position, lift in enumerate(lifts):
                entry_id = eid
                eid += 1
                timed = lift.exercise_id == TIMED_LIFT
                entries.append({
                    "id": entry_id, "session_id": session_id, "user_id": user_id,
                    "exercise_id": lift.exercise_id, "position": position, "note": "",
                    "target_sets": lift.sets,
                    "target_reps": f"{lift.reps[0]}s" if timed else f"{lift.reps[0]}-{lift.reps[1]}",
                    "target_rpe": 8.0, "rest_seconds": 120 if position < 2 else 90,
                })
                # Strength rises fast at first, then slowly; with noise and deload weeks.
                growth = lift.gain_per_year_kg * 2.2 * math.log1p(years_in / 1.1)
                form = 1.0 + rng.gauss(0, 0.025)
                load = (lift.start_kg + growth) * form * (0.85 if deload else 1.0)
                weight = _round_to(load, lift.step_kg) if lift.start_kg else None
                first_time = lift.exercise_id not in best_e1rm
                ramp = WARMUP_RAMP if position < 2 and weight and weight > BAR_KG * 1.5 else ()
                for step, (share, ramp_reps) in enumerate(ramp):
                    clock += timedelta(seconds=rng.randint(60, 120))
                    add_set(entry_id, session_id, lift.exercise_id, step, clock, reps=ramp_reps,
                            weight_kg=max(BAR_KG, _round_to((weight or 0) * share, lift.step_kg)),
                            kind="warmup")
                    kinds_seeded["warmup"] += 1
                working_sets = lift.sets - (1 if deload else 0)
                for set_position in range(working_sets):
                    clock += timedelta(seconds=rng.randint(90, 180))
                    low, high = lift.reps
                    reps: int | None
                    seconds: int | None = None
                    if timed:
                        reps, seconds = None, min(high, low + int(years_in * 6) + rng.randint(-5, 5))
                    else:
                        reps = max(1, low + int((high - low) * rng.random()) - set_position // 2)
                        if weight is None:  # bodyweight: reps grow over the years instead
                            reps = min(high + 5, reps + int(years_in * 1.5))
                    last = set_position == working_sets - 1
                    to_failure = last and not timed and not deload and rng.random() < 0.15
                    set_id = add_set(
                        entry_id, session_id, lift.exercise_id, len(ramp) + set_position, clock,
                        reps=reps, seconds=seconds, weight_kg=weight,
                        rpe=10.0 if to_failure else round(min(10.0, 6.5 + set_position * 0.5 + rng.random()), 1),
                        kind="failure" if to_failure else "normal")
                    kinds_seeded["failure"] += to_failure
                    if last and weight and position >= len(lifts) - 2 and rng.random() < 0.3:
                        clock += timedelta(seconds=rng.randint(10, 30))  # a drop set straight after
                        add_set(entry_id, session_id, lift.exercise_id, len(ramp) + working_sets, clock,
                                reps=(reps or 0) + 3, weight_kg=_round_to(weight * 0.75, lift.step_kg),
                                rpe=9.5, kind="drop")
                        kinds_seeded["drop"] += 1
                    e1rm = estimated_1rm(weight or 0.0, reps or 0)
                    best = best_e1rm.get(lift.exercise_id, 0.0)
                    if e1rm > best:
                        if best > 0 and not first_time:
                            records.append({
                                "id": rid, "user_id": user_id, "exercise_id": lift.exercise_id,
                                "kind": E1RM, "reps": reps, "value": e1rm, "previous": best,
                                "set_id": set_id, "session_id": session_id, "achieved_at": clock,
                            })
                            rid += 1
                        best_e1rm[lift.exercise_id] = e1rm
                    elif lift.exercise_id not in best_e1rm:
                        best_e1rm[lift.exercise_id] = 0.0
            if n == 0:  # a row to finish the week's first session: 2 to 6 km, about 2:00 a 500 m
                metres = float(rng.choice((2000, 3000, 4000, 5000, 6000)))
                per_km = (250 - 12 * math.log1p(years_in) + rng.gauss(0, 4)) * (1.03 if deload else 1.0)
                clock += timedelta(minutes=3)
                cardio(session_id, len(lifts), ROW, clock, metres, round(metres / 1000 * per_km))
        sunday = monday + timedelta(days=6)
        if sunday <= last_day and rng.random() < 0.9:  # the long run, most Sundays
            long_run = week % 4 == 3
            km = (10 + min(6.0, years_in * 1.5) if long_run else 5 + rng.random() * 3) + rng.gauss(0, 0.5)
            metres = round(max(3.0, km) * 1000, -1)
            per_km = (375 - 25 * math.log1p(years_in * 1.5) + (12 if long_run else 0)
                      + rng.gauss(0, 6))  # from about 6:15 a km to about 4:50
            seconds = round(metres / 1000 * per_km)
            started = datetime.combine(sunday, time(8, rng.choice((0, 15, 30))), tzinfo=zone).astimezone(UTC)
            session_id = sid
            sid += 1
            sessions.append(session_row(session_id, started, seconds // 60 + 5,
                                        "Long run" if long_run else "Easy run", False, None))
            cardio(session_id, 0, RUN, started + timedelta(seconds=seconds), metres, seconds)

    # Body metrics: weigh-ins on Mondays and Thursdays drifting from 82 kg; a tape measure
    # on the first Monday of each month.
    mid = ids[BodyMetric.__table__.name]
    weight_kg = 82.0
    for offset in range((last_day - first_day).days + 1):
        day = first_day + timedelta(days=offset)
        if day.weekday() not in (0, 3):
            continue
        weight_kg += rng.gauss(-0.01, 0.25)
        monthly = day.day <= 7 and day.weekday() == 0
        metrics.append({
            "id": mid, "user_id": user_id, "measured_on": day, "weight_kg": round(weight_kg, 1),
            "body_fat_pct": round(18 - offset / 600 + rng.gauss(0, 0.3), 1) if monthly else None,
            "waist_cm": round(86 + rng.gauss(0, 0.8), 1) if monthly else None,
            "chest_cm": round(100 + offset / 400, 1) if monthly else None,
            "arms_cm": round(35 + offset / 1500, 1) if monthly else None,
            "thighs_cm": round(57 + offset / 1200, 1) if monthly else None,
            "created_at": datetime.combine(day, time(7), tzinfo=zone).astimezone(UTC),
        })
        mid += 1

    with engine.begin() as conn:
        batches = ((plans_table, plan_rows), *zip(tables, (sessions, entries, sets, records, metrics),
                                                   strict=True))
        for table, rows in batches:
            for start in range(0, len(rows), chunk):
                conn.execute(insert(table), rows[start:start + chunk])
        if engine.dialect.name == "postgresql":  # explicit ids: move the sequences past them
            for table in (plans_table, *tables):
                conn.execute(text(
                    f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "  # noqa: S608
                    f"(SELECT COALESCE(MAX(id), 1) FROM {table.name}))"
                ))
    return SeedReport(user_id=user_id, plan_id=plan_id, sessions=len(sessions),
                      exercises=len(entries), sets=len(sets), records=len(records),
                      body_metrics=len(metrics), first_day=first_day, last_day=last_day,
                      warmup_sets=kinds_seeded["warmup"], drop_sets=kinds_seeded["drop"],
                      failure_sets=kinds_seeded["failure"], cardio_sets=kinds_seeded["cardio"])
