"""Bring workouts over from Strong and Hevy CSV exports (docs/import-formats.md).

Rules:

- The whole file is read and checked, and its exercise names matched, before the write
  transaction opens; one bad row (an unreadable date, a date before 1900 or in the future,
  negative reps, more than 700 kg, RPE outside 1-10, text in a number column) refuses the
  file with the line number, and nothing is imported. The write is one short transaction of
  bulk inserts (all or nothing), so other members' saves wait a moment at most (SQLite's
  busy timeout), never fail.
- Refused outright: an empty file, a header that is neither Strong's nor Hevy's, a file over
  5 MB (an upload is read in chunks and refused as soon as it passes 5 MB,
  `import_files.read_upload`) or
  with more than 50,000 rows, a file that would create more than 200 custom exercises, or
  take the person over 1,000.
- Times in the file are local times in the person's time zone (their fitness profile's, UTC
  by default) and are stored in UTC. Weights are stored in kilograms: Strong files are read
  in ``weight_unit`` (default: the person's units), Hevy files say their unit in the header.
- Every imported session is finished; every set is done, with ``completed_at`` spread over
  the session in file order.
- A session already there (same start time and name for this person) is skipped and counted,
  so importing a file twice adds nothing the second time.
- Exercise names are matched to the catalogue (exact name ignoring case, then a normalised
  name, see `exercise_names.match_exercise`); a name that matches nothing becomes a custom exercise owned
  by the person, with placeholder pattern "core" and level "beginner" (said so in its details).
- Personal records and milestones are not recalculated here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import insert
from sqlmodel import Session, col, select

from vigor_app import db
from vigor_app.clock import as_utc, utcnow
from vigor_app.models import (
    Exercise,
    FitnessProfile,
    SessionExercise,
    User,
    WorkoutSession,
    WorkoutSet,
)
from vigor_app.models.workout import SESSION_FINISHED
from vigor_app.services.catalogue.exercise_names import (
    catalogue_index,
    match_exercise,
    normalise_name,
)
from vigor_app.services.errors import NotFound, ValidationError
from vigor_app.services.your_data.import_files import (
    FUTURE_SLACK,
    SOURCE_LABELS,
    SOURCES,
    FileSet,
    FileWorkout,
    Source,
    decode,
    latest_local,
    read_workouts,
)

MAX_NEW_CUSTOM_EXERCISES = 200  # custom exercises one import may create
MAX_CUSTOM_EXERCISES = 1_000  # custom exercises one person may have
EXERCISE_NAME_LENGTH = 120
EXERCISE_ID_LENGTH = 80
CUSTOM_PATTERN = "core"
CUSTOM_LEVEL = "beginner"
DEFAULT_REST_SECONDS = 90


@dataclass(frozen=True)
class ImportReport:
    """What an import did. ``matched``: name in the file → catalogue id; ``custom``: name in
    the file → the person's custom exercise id (new or already theirs)."""

    source: str
    sessions: int
    sets: int
    custom_exercises: int  # custom exercises created by this import
    matched: dict[str, str]
    custom: dict[str, str] = field(default_factory=dict)
    skipped_sessions: int = 0  # already imported (same start time and name)



def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.casefold()).strip("-") or "exercise"


# ---------------------------------------------------------------------------------------
# Writing


def _zone_of(session: Session, user_id: int) -> tuple[str, ZoneInfo, str]:
    """The person's time zone name, the zone, and their weight units."""
    profile = session.exec(select(FitnessProfile).where(FitnessProfile.user_id == user_id)).first()
    name = profile.timezone if profile is not None and profile.timezone else "UTC"
    units = profile.units if profile is not None and profile.units in ("kg", "lb") else "kg"
    try:
        return name, ZoneInfo(name), units
    except (ZoneInfoNotFoundError, ValueError):
        return "UTC", ZoneInfo("UTC"), units


def _check_weight_unit(weight_unit: str | None) -> str | None:
    if weight_unit is None:
        return None
    unit = weight_unit.strip().lower()
    if unit in ("kg", "kgs"):
        return "kg"
    if unit in ("lb", "lbs"):
        return "lb"
    raise ValidationError("Choose kg or lb for the weights in this file.", field="weight_unit")


def _already_there(session: Session, user_id: int, workouts: list[FileWorkout]) -> set[tuple[datetime, str]]:
    starts = [w.started_at for w in workouts if w.started_at is not None]
    rows = session.exec(
        select(WorkoutSession.started_at, WorkoutSession.name).where(
            WorkoutSession.user_id == user_id,
            col(WorkoutSession.started_at) >= min(starts) - timedelta(seconds=1),
            col(WorkoutSession.started_at) <= max(starts) + timedelta(seconds=1),
        )
    ).all()
    return {(as_utc(started).replace(microsecond=0), name) for started, name in rows}



@dataclass(frozen=True)
class _Own:
    """The person's custom exercises when the file was read: the resolution is checked
    against them again inside the write transaction."""

    count: int  # how many the person has
    by_name: dict[str, str]  # casefolded name → id
    by_key: dict[str, str]  # normalised name → id
    ids: frozenset[str]  # every id with the person's custom prefix (theirs by construction)


def _own_customs(session: Session, user_id: int) -> _Own:
    rows = session.exec(
        select(Exercise.id, Exercise.name).where(Exercise.owner_user_id == user_id, col(Exercise.is_custom).is_(True))
    ).all()
    taken = session.exec(
        select(Exercise.id).where(col(Exercise.id).startswith(_custom_stem(user_id), autoescape=True))
    ).all()
    return _Own(count=len(rows), by_name={name.casefold(): i for i, name in rows},
                by_key={normalise_name(name): i for i, name in rows},
                ids=frozenset(taken) | {i for i, _ in rows})


@dataclass
class _Resolution:
    matched: dict[str, str]  # name in the file → catalogue id
    custom: dict[str, str]  # name in the file → the person's custom exercise id
    new_rows: dict[str, dict]  # new custom id → its row, for a bulk insert


def _resolve_exercises(user_id: int, workouts: list[FileWorkout], own: _Own, source: str,
                       now: datetime) -> _Resolution:
    """Exercise ids for every name, new custom exercises planned (not written). No database
    access: the person's custom exercises were read before (`own`). Refuses, before any work
    on the rest, a file that would create more custom exercises than allowed."""
    names: dict[str, list[FileSet]] = {}
    for workout in workouts:
        for entry in workout.entries.values():
            names.setdefault(entry.name, []).extend(entry.sets)
    by_name, by_key, taken = dict(own.by_name), dict(own.by_key), set(own.ids)
    result = _Resolution(matched={}, custom={}, new_rows={})
    allowed = min(MAX_NEW_CUSTOM_EXERCISES, max(0, MAX_CUSTOM_EXERCISES - own.count))
    label = SOURCE_LABELS[source]
    for name, sets in names.items():
        exact = catalogue_index().exact.get(name.casefold())
        if exact:
            result.matched[name] = exact
            continue
        mine = by_name.get(name[:EXERCISE_NAME_LENGTH].casefold())
        if mine:
            result.custom[name] = mine
            continue
        found = match_exercise(name)
        if found:
            result.matched[name] = found
            continue
        mine = by_key.get(normalise_name(name))
        if mine:
            result.custom[name] = mine
            continue
        if len(result.new_rows) >= allowed:
            raise _too_many_custom(own.count)
        exercise_id = _new_custom_id(user_id, name, taken)
        taken.add(exercise_id)
        result.new_rows[exercise_id] = {
            "id": exercise_id, "name": name[:EXERCISE_NAME_LENGTH], "pattern": CUSTOM_PATTERN,
            "level": CUSTOM_LEVEL,
            "details": {
                "timed": all(s.seconds is not None and s.reps is None for s in sets),
                "imported_from": source,
                "imported_name": name,
                "placeholders": ["pattern", "level"],
                "note": f"Imported from {label}. The pattern ({CUSTOM_PATTERN}) and level "
                        f"({CUSTOM_LEVEL}) are placeholders until you edit them.",
            },
            "is_custom": True, "owner_user_id": user_id, "retired": False, "updated_at": now,
        }
        by_name[name[:EXERCISE_NAME_LENGTH].casefold()] = exercise_id
        by_key[normalise_name(name)] = exercise_id
        result.custom[name] = exercise_id
    return result


def _too_many_custom(already: int) -> ValidationError:
    if already + MAX_NEW_CUSTOM_EXERCISES > MAX_CUSTOM_EXERCISES:
        room = max(0, MAX_CUSTOM_EXERCISES - already)
        limit = (f"You have {already:,} exercises of your own and may have at most "
                 f"{MAX_CUSTOM_EXERCISES:,}, so this import may add {room:,}.")
    else:
        limit = f"One import may add at most {MAX_NEW_CUSTOM_EXERCISES:,} exercises of your own."
    return ValidationError(
        "Nothing was imported. This file names more exercises that match nothing in Vigor's "
        f"library than can be kept: {limit} Check the exercise names, or import a shorter date range.",
        field="file")


def _custom_stem(user_id: int) -> str:
    return f"custom-{user_id}-"


def _new_custom_id(user_id: int, name: str, taken: set[str]) -> str:
    stem = _custom_stem(user_id)
    slug = _slug(name)[: EXERCISE_ID_LENGTH - len(stem)].strip("-") or "exercise"
    candidate = stem + slug
    counter = 2
    while candidate in taken:
        suffix = f"-{counter}"
        candidate = stem + slug[: EXERCISE_ID_LENGTH - len(stem) - len(suffix)].strip("-") + suffix
        counter += 1
    return candidate


def import_csv(
    user_id: int,
    text: str | bytes,
    *,
    source: Source | None = None,
    weight_unit: str | None = None,
    now: datetime | None = None,
) -> ImportReport:
    """Import a Strong or Hevy CSV export (``source`` None: told by the header); all or nothing.

    ``weight_unit`` ("kg" or "lb") is the unit of a Strong file's Weight column; by default
    the person's units. Raises ValidationError (field "file") naming the lines at fault.

    The file is read, checked and matched to exercises before the write transaction opens,
    which then only checks that nothing it relied on changed and inserts in bulk: it holds
    the database's write lock for a moment, not for the whole file.
    """
    if source is not None and source not in SOURCES:
        raise ValidationError("Choose Strong or Hevy as the app the file comes from.", field="source")
    unit = _check_weight_unit(weight_unit)
    now = now or utcnow()
    text = decode(text)
    with db.read_only() as session:
        if session.get(User, user_id) is None:
            raise NotFound("That account does not exist.")
        zone_name, zone, units = _zone_of(session, user_id)
        own = _own_customs(session, user_id)
    found_source, workouts = read_workouts(text, source, unit or units, latest_local(now))
    for workout in workouts:
        workout.started_at = workout.local_start.replace(tzinfo=zone).astimezone(UTC)
        if workout.started_at > now + FUTURE_SLACK:
            raise ValidationError(
                f"Nothing was imported. Line {workout.line}: the workout on "
                f"{workout.local_start:%Y-%m-%d %H:%M} is in the future.", field="file")
    with db.read_only() as session:
        existing = _already_there(session, user_id, workouts)
    fresh = [w for w in workouts if (w.started_at, w.name) not in existing]
    plan = _resolve_exercises(user_id, fresh, own, found_source, now)
    rows = _plan_rows(user_id, fresh, {**plan.matched, **plan.custom}, zone_name, now)

    with db.transaction() as session:
        # What the plan relied on, read again under the transaction: another import by the
        # same person (a second tab) may have added sessions or exercises meanwhile.
        existing = _already_there(session, user_id, workouts)
        fresh = [w for w in fresh if (w.started_at, w.name) not in existing]
        if _own_customs(session, user_id) != own:
            raise ValidationError("Your exercises changed while this file was being read (another "
                                  "import?). Nothing was imported; import the file again.", field="file")
        used = {entry.name for workout in fresh for entry in workout.entries.values()}
        custom = {name: i for name, i in plan.custom.items() if name in used}
        matched = {name: i for name, i in plan.matched.items() if name in used}
        kept = set(custom.values())
        new_rows = [row for i, row in plan.new_rows.items() if i in kept]
        if new_rows:
            session.execute(insert(Exercise.__table__), new_rows)  # type: ignore[attr-defined]
        keys = {(w.started_at, w.name) for w in fresh}
        set_count = _write(session, user_id, [r for r in rows if r.key in keys], now) if fresh else 0
    return ImportReport(source=found_source, sessions=len(fresh), sets=set_count,
                        custom_exercises=len(new_rows), matched=matched, custom=custom,
                        skipped_sessions=len(workouts) - len(fresh))


@dataclass
class _Planned:
    """One workout's rows, built before the write transaction; only the ids the database
    hands out are filled in inside it."""

    key: tuple[datetime, str]  # (UTC start, name)
    session_row: dict
    entry_rows: list[dict]  # in position order
    set_rows: list[tuple[int, dict]]  # (position of its exercise, row)


def _plan_rows(user_id: int, workouts: list[FileWorkout], ids: dict[str, str], zone_name: str,
               now: datetime) -> list[_Planned]:
    planned = []
    for w in workouts:
        assert w.started_at is not None
        duration = w.duration_seconds or 0
        total = sum(len(entry.sets) for entry in w.entries.values())
        entry_rows, set_rows, done = [], [], 0
        for position, entry in enumerate(w.entries.values()):
            exercise_id = ids[entry.name]
            entry_rows.append({"user_id": user_id, "exercise_id": exercise_id, "position": position,
                               "note": entry.note, "target_sets": len(entry.sets), "target_reps": "",
                               "target_rpe": None, "rest_seconds": DEFAULT_REST_SECONDS})
            for set_position, item in enumerate(entry.sets):
                done += 1
                # The files carry no set times: spread the sets over the session in file order.
                offset = duration * done / total if duration else done
                set_rows.append((position, {
                    "user_id": user_id, "exercise_id": exercise_id, "position": set_position,
                    "reps": item.reps, "seconds": item.seconds, "weight_kg": item.weight_kg,
                    "rpe": item.rpe, "done": True, "kind": item.kind,
                    "completed_at": w.started_at + timedelta(seconds=offset)}))
        planned.append(_Planned(
            key=(w.started_at, w.name),
            session_row={"user_id": user_id, "plan_id": None, "plan_day_index": None, "name": w.name,
                         "status": SESSION_FINISHED, "started_at": w.started_at,
                         "ended_at": w.started_at + timedelta(seconds=duration), "duration_seconds": duration,
                         "intensity": None, "note": w.note, "timezone": zone_name, "analysis": {},
                         "created_at": now, "updated_at": now},
            entry_rows=entry_rows, set_rows=set_rows))
    return planned


def _write(session: Session, user_id: int, planned: list[_Planned], now: datetime) -> int:
    """Insert the sessions, their exercises and sets as three batched Core statements, and
    read the new ids back with two queries: a file may hold 50,000 sets, and ORM objects, or
    RETURNING in parameter order (which SQLite can only do a row at a time), would hold the
    write lock for seconds. Returns the number of sets."""
    sessions_table = WorkoutSession.__table__  # type: ignore[attr-defined]
    entries_table = SessionExercise.__table__  # type: ignore[attr-defined]
    sets_table = WorkoutSet.__table__  # type: ignore[attr-defined]
    starts = [p.key[0] for p in planned]
    session.execute(insert(sessions_table), [p.session_row for p in planned])
    # (start, name) is new for this person (sessions already there were skipped), so it
    # names exactly one of the rows just inserted.
    session_id_of = {
        (as_utc(started), name): session_id
        for session_id, started, name in session.execute(
            select(sessions_table.c.id, sessions_table.c.started_at, sessions_table.c.name).where(
                sessions_table.c.user_id == user_id, sessions_table.c.created_at == now,
                sessions_table.c.started_at >= min(starts), sessions_table.c.started_at <= max(starts)))
    }
    session_ids = [session_id_of[p.key] for p in planned]
    for session_id, p in zip(session_ids, planned, strict=True):
        for row in p.entry_rows:
            row["session_id"] = session_id
    session.execute(insert(entries_table), [row for p in planned for row in p.entry_rows])
    new_sessions = set(session_ids)
    entry_id_of = {
        (session_id, position): entry_id
        for entry_id, session_id, position in session.execute(
            select(entries_table.c.id, entries_table.c.session_id, entries_table.c.position).where(
                entries_table.c.user_id == user_id, entries_table.c.session_id >= min(session_ids),
                entries_table.c.session_id <= max(session_ids)))
        if session_id in new_sessions
    }
    values = []
    for session_id, p in zip(session_ids, planned, strict=True):
        for position, row in p.set_rows:
            row["session_id"] = session_id
            row["session_exercise_id"] = entry_id_of[(session_id, position)]
            values.append(row)
    if values:
        session.execute(insert(sets_table), values)
    return len(values)
