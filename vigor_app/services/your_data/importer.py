"""Bring workouts over from Strong and Hevy CSV exports, and Vigor's own CSV and JSON exports
back (docs/import-formats.md).

Rules:

- The whole file is read and checked, and its exercise names matched, before the write
  transaction opens; one bad row (an unreadable date, a date before 1900 or in the future,
  negative reps, more than 700 kg, RPE outside 1-10, text in a number column, a control
  character) refuses the file with the line number, and nothing is imported. The write is
  one short transaction of bulk inserts (all or nothing), so other members' saves wait a
  moment at most (SQLite's busy timeout), never fail.
- Refused outright: an empty file, a header that is neither Strong's, Hevy's nor Vigor's, a
  JSON file that is not a Vigor export, a file over 5 MB (an upload is read in chunks and
  refused as soon as it passes 5 MB, `file_cells.read_upload`) or with more than 50,000
  rows, a file that would create more than 200 custom exercises, or take the person over
  1,000.
- Times in Strong's and Hevy's files are local times in the person's time zone (their
  fitness profile's, UTC by default) and are stored in UTC; Vigor's files say the UTC start
  and the zone. Weights are stored in kilograms and distances in metres: Strong files are
  read in ``weight_unit`` (default: the person's units; distances in km with kg, miles with
  lb), Hevy files say their unit in the header, Vigor's are in kg and metres.
- Every imported session is finished. Strong's and Hevy's sets are all done, with
  ``completed_at`` spread over the session in file order; Vigor's files say which are done.
- A session already there (same start time, to the second, and name for this person) is
  skipped and counted, and so is a coach conversation already there (same creation time and
  title), so importing a file twice adds nothing the second time.
- Exercise names are matched to the catalogue (exact name ignoring case, then a normalised
  name, see `exercise_names.match_exercise`); a name that matches nothing becomes a custom exercise owned
  by the person, with placeholder pattern "core" and level "beginner" (said so in its details).
  Vigor's files name catalogue exercises by id; their custom exercises are found among the
  person's own by name, or made.
- Personal records and milestones are not recalculated here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import insert
from sqlmodel import Session, col, select

from vigor_app import db
from vigor_app.clock import utcnow
from vigor_app.models import Exercise, FitnessProfile, User
from vigor_app.services.catalogue.exercise_names import (
    catalogue_index,
    match_exercise,
    normalise_name,
)
from vigor_app.services.counts import plural
from vigor_app.services.errors import FileError, NotFound, ValidationError
from vigor_app.services.your_data import import_rows
from vigor_app.services.your_data.file_cells import FUTURE_SLACK, MAX_BYTES
from vigor_app.services.your_data.import_check import read_file
from vigor_app.services.your_data.import_files import (
    SOURCE_LABELS,
    SOURCES,
    FileSet,
    FileWorkout,
    Source,
)

MAX_NEW_CUSTOM_EXERCISES = 200  # custom exercises one import may create
MAX_CUSTOM_EXERCISES = 1_000  # custom exercises one person may have
EXERCISE_NAME_LENGTH = 120
EXERCISE_ID_LENGTH = 80
CUSTOM_PATTERN = "core"
CUSTOM_LEVEL = "beginner"


@dataclass(frozen=True)
class ImportReport:
    """What an import did. ``matched``: name in the file → catalogue id; ``custom``: name in
    the file → the person's custom exercise id (new or already theirs); ``session_ids``: the
    file's session id → the person's, for Vigor's JSON (its sessions carry their ids), of the
    sessions added or already there."""

    source: str
    sessions: int
    sets: int
    custom_exercises: int  # custom exercises created by this import
    matched: dict[str, str]
    custom: dict[str, str] = field(default_factory=dict)
    skipped_sessions: int = 0  # already imported (same start time and name)
    format: str = ""  # strong, hevy, vigor-csv or vigor-json
    conversations: int = 0  # coach conversations added (Vigor's JSON)
    skipped_conversations: int = 0  # already there (same creation time and title)
    session_ids: dict[int, int] = field(default_factory=dict)



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


def _already_there(session: Session, user_id: int, workouts: list[FileWorkout]) -> set[import_rows.Key]:
    return set(import_rows.sessions_there(session, user_id, [w.started_at for w in workouts if w.started_at]))


def _catalogue_ids(session: Session, workouts: list[FileWorkout]) -> set[str]:
    """The ids Vigor's files name that are catalogue exercises (retired ones too)."""
    named = {e.exercise_id for w in workouts for e in w.entries.values() if e.exercise_id}
    if not named:
        return set()
    return set(session.exec(select(Exercise.id).where(col(Exercise.id).in_(named),
                                                      col(Exercise.is_custom).is_(False))).all())


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
                       now: datetime, catalogue_ids: set[str]) -> _Resolution:
    """Exercise ids for every name, new custom exercises planned (not written). No database
    access: the person's custom exercises were read before (`own`), and the catalogue ids a
    Vigor file names (`catalogue_ids`, kept as they are). A name a Vigor file gives a custom
    exercise's id is looked for among the person's own exercises only. Refuses, before any
    work on the rest, a file that would create more custom exercises than allowed."""
    names: dict[str, list[FileSet]] = {}
    customs: set[str] = set()
    for workout in workouts:
        for entry in workout.entries.values():
            if entry.exercise_id in catalogue_ids:
                continue
            names.setdefault(entry.name, []).extend(entry.sets)
            if entry.exercise_id:
                customs.add(entry.name)
    by_name, by_key, taken = dict(own.by_name), dict(own.by_key), set(own.ids)
    result = _Resolution(matched={}, custom={}, new_rows={})
    allowed = min(MAX_NEW_CUSTOM_EXERCISES, max(0, MAX_CUSTOM_EXERCISES - own.count))
    label = SOURCE_LABELS[source]
    for name, sets in names.items():
        exact = None if name in customs else catalogue_index().exact.get(name.casefold())
        if exact:
            result.matched[name] = exact
            continue
        mine = by_name.get(name[:EXERCISE_NAME_LENGTH].casefold())
        if mine:
            result.custom[name] = mine
            continue
        found = None if name in customs else match_exercise(name)
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
    """Import a Strong or Hevy CSV export, or Vigor's own CSV or JSON export (``source``
    None: told by the file); all or nothing.

    ``weight_unit`` ("kg" or "lb") is the unit of a Strong file's Weight column (and, with
    it, of its distances); by default the person's units. Raises FileError (a
    ValidationError, field "file") naming the lines at fault.

    The file is read, checked and matched to exercises before the write transaction opens,
    which then only checks that nothing it relied on changed and inserts in bulk: it holds
    the database's write lock for a moment, not for the whole file.
    """
    if source is not None and source not in SOURCES:
        raise ValidationError("Choose Strong, Hevy or Vigor as the app the file comes from.", field="source")
    unit = _check_weight_unit(weight_unit)
    now = now or utcnow()
    with db.read_only() as session:
        if session.get(User, user_id) is None:
            raise NotFound("That account does not exist.")
        zone_name, zone, units = _zone_of(session, user_id)
        own = _own_customs(session, user_id)
    contents = read_file(text, source, unit or units, now)
    workouts = contents.workouts
    for workout in workouts:
        if workout.started_at is None:
            workout.started_at = workout.local_start.replace(tzinfo=zone).astimezone(UTC)
        if workout.started_at > now + FUTURE_SLACK:
            raise FileError(
                f"Nothing was imported. Line {workout.line}: the workout on "
                f"{workout.local_start:%Y-%m-%d %H:%M} is in the future.", line=workout.line)
    with db.read_only() as session:
        existing = _already_there(session, user_id, workouts)
        catalogue_ids = _catalogue_ids(session, workouts)
        talks_there = import_rows.conversations_there(session, user_id, contents.conversations)
    fresh = [w for w in workouts if _key(w) not in existing]
    plan = _resolve_exercises(user_id, fresh, own, contents.source, now, catalogue_ids)
    names = {**plan.matched, **plan.custom}
    ids = [[e.exercise_id if e.exercise_id in catalogue_ids else names[e.name]
            for e in w.entries.values()] for w in fresh]
    rows = import_rows.plan_rows(user_id, fresh, ids, zone_name, now)
    talks = [c for c in contents.conversations if import_rows.key(c.created_at, c.title) not in talks_there]

    with db.transaction() as session:
        # What the plan relied on, read again under the transaction: another import by the
        # same person (a second tab) may have added sessions or exercises meanwhile.
        existing = _already_there(session, user_id, workouts)
        fresh = [w for w in fresh if _key(w) not in existing]
        if _own_customs(session, user_id) != own:
            raise ValidationError("Your exercises changed while this file was being read (another "
                                  "import?). Nothing was imported; import the file again.", field="file")
        used = {entry.name for workout in fresh for entry in workout.entries.values()}
        custom = {name: i for name, i in plan.custom.items() if name in used}
        matched = {name: i for name, i in plan.matched.items() if name in used}
        matched |= {e.name: e.exercise_id for w in fresh for e in w.entries.values()
                    if e.exercise_id in catalogue_ids}
        kept = set(custom.values())
        new_rows = [row for i, row in plan.new_rows.items() if i in kept]
        if new_rows:
            session.execute(insert(Exercise.__table__), new_rows)  # type: ignore[attr-defined]
        keys = {_key(w) for w in fresh}
        set_count = import_rows.write_sessions(session, user_id, [r for r in rows if r.key in keys])
        file_sessions: dict[int, int] = {}
        if any(w.file_id is not None for w in workouts):
            sessions = import_rows.sessions_there(session, user_id, [w.started_at for w in workouts
                                                                     if w.started_at])
            file_sessions = {w.file_id: sessions[_key(w)] for w in workouts
                             if w.file_id is not None and _key(w) in sessions}
        if contents.conversations:
            there = import_rows.conversations_there(session, user_id, contents.conversations)
            talks = [c for c in talks if import_rows.key(c.created_at, c.title) not in there]
            import_rows.write_conversations(session, user_id, talks, file_sessions)
    return ImportReport(source=contents.source, sessions=len(fresh), sets=set_count,
                        custom_exercises=len(new_rows), matched=matched, custom=custom,
                        skipped_sessions=len(workouts) - len(fresh), format=contents.format,
                        conversations=len(talks),
                        skipped_conversations=len(contents.conversations) - len(talks),
                        session_ids=file_sessions)


def _key(workout: FileWorkout) -> import_rows.Key:
    assert workout.started_at is not None
    return import_rows.key(workout.started_at, workout.name)


@dataclass(frozen=True)
class ImportOutcome:
    """An uploaded file's import as the Profile page (and the API) reports it."""

    report: ImportReport
    message: str  # "Imported 3 workouts and 40 sets from Hevy (…)."


def report_message(report: ImportReport) -> str:
    """What an import did, in one sentence for the person."""
    skipped = f" ({report.skipped_sessions} already here were skipped)" if report.skipped_sessions else ""
    custom = f", {report.custom_exercises} kept as your own exercises" if report.custom_exercises else ""
    talks = f", and {plural(report.conversations, 'coach conversation')}" if report.conversations else ""
    app = SOURCE_LABELS.get(report.source, report.source)
    return (f"Imported {plural(report.sessions, 'workout')} and {plural(report.sets, 'set')} from "
            f"{app}{skipped}{custom}{talks}.")


def import_upload(user_id: int, content: bytes, *, source: Source | None = None,
                  weight_unit: str | None = None) -> ImportOutcome:
    """An uploaded file imported (`import_csv`) and reported; a file over 5 MB is refused
    (FileError) before it is read."""
    if len(content) > MAX_BYTES:
        raise FileError("That file is over 5 MB. Export a shorter period and try again.")
    report = import_csv(user_id, content, source=source, weight_unit=weight_unit)
    return ImportOutcome(report=report, message=report_message(report))
