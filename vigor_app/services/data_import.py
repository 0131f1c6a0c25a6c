"""Bring workouts over from Strong and Hevy CSV exports (docs/import-formats.md).

Rules:

- The whole file is read and checked, and its exercise names matched, before the write
  transaction opens; one bad row (an unreadable date, a date before 1900 or in the future,
  negative reps, more than 700 kg, RPE outside 1-10, text in a number column) refuses the
  file with the line number, and nothing is imported. The write is one short transaction of
  bulk inserts (all or nothing), so other members' saves wait a moment at most (SQLite's
  busy timeout), never fail.
- Refused outright: an empty file, a header that is neither Strong's nor Hevy's, a file over
  5 MB (an upload is read in chunks and refused as soon as it passes 5 MB, `read_upload`) or
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
  name, see `match_exercise`); a name that matches nothing becomes a custom exercise owned
  by the person, with placeholder pattern "core" and level "beginner" (said so in its details).
- Personal records and milestones are not recalculated here.
"""

from __future__ import annotations

import csv
import inspect
import io
import math
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import insert
from sqlmodel import Session, col, select

from vigor_app import db
from vigor_app.clock import utcnow
from vigor_app.models import (
    Exercise,
    FitnessProfile,
    SessionExercise,
    User,
    WorkoutSession,
    WorkoutSet,
)
from vigor_app.models.workout import SESSION_FINISHED
from vigor_app.services import catalogue
from vigor_app.services.errors import NotFound, ValidationError

Source = Literal["strong", "hevy"]
SOURCES: tuple[str, ...] = ("strong", "hevy")
SOURCE_LABELS = {"strong": "Strong", "hevy": "Hevy"}

MAX_BYTES = 5 * 1024 * 1024
READ_CHUNK = 64 * 1024  # an upload is read this much at a time
MAX_ROWS = 50_000
MAX_NEW_CUSTOM_EXERCISES = 200  # custom exercises one import may create
MAX_CUSTOM_EXERCISES = 1_000  # custom exercises one person may have
EARLIEST = datetime(1900, 1, 1)  # the earliest local start a file may hold
MAX_WEIGHT_KG = 700.0
MAX_REPS = 200
MAX_SECONDS = 4 * 3600
MAX_DURATION_SECONDS = 24 * 3600
MAX_PROBLEMS_REPORTED = 5
FUTURE_SLACK = timedelta(days=1)  # a file's times may run ahead of the clock by a time zone
KG_PER_LB = 0.45359237
SESSION_NAME_LENGTH = 120
NOTE_LENGTH = 500
EXERCISE_NAME_LENGTH = 120
EXERCISE_ID_LENGTH = 80
DEFAULT_SESSION_NAME = "Imported workout"
CUSTOM_PATTERN = "core"
CUSTOM_LEVEL = "beginner"
DEFAULT_REST_SECONDS = 90

# The columns each export must have (lower-case), and the ones we read when present.
STRONG_REQUIRED = ("date", "workout name", "exercise name", "set order", "weight", "reps")
STRONG_OPTIONAL = ("duration", "distance", "seconds", "notes", "workout notes", "rpe", "weight unit")
HEVY_REQUIRED = ("title", "start_time", "exercise_title", "set_index", "reps")
HEVY_OPTIONAL = ("end_time", "description", "superset_id", "exercise_notes", "set_type", "weight_kg",
                 "weight_lbs", "distance_km", "duration_seconds", "rpe")
STRONG_HEADER = "Date;Workout Name;Duration;Exercise Name;Set Order;Weight;Reps;Distance;Seconds;Notes;Workout Notes;RPE"
HEVY_HEADER = ("title,start_time,end_time,description,exercise_title,superset_id,exercise_notes,"
               "set_index,set_type,weight_kg,reps,distance_km,duration_seconds,rpe")

DATE_FORMATS = (
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%dT%H:%M",
    "%d %b %Y, %H:%M",
    "%d %b %Y, %H:%M:%S",
    "%d %B %Y, %H:%M",
)
_DURATION = re.compile(r"^(?:(\d+)\s*h)?\s*(?:(\d+)\s*m(?:in)?)?\s*(?:(\d+)\s*s)?$")
_CLOCK = re.compile(r"^(\d+):([0-5]\d)(?::([0-5]\d))?$")
_STRONG_SET_MARKERS = frozenset({"w", "d", "f"})  # warm-up, drop set, failure
_STRONG_REST_ROW = "rest timer"

# Strong and Hevy names the normalised match cannot find; keys are normalised on load.
ALIASES: dict[str, str] = {
    "Squat (Barbell)": "barbell-back-squat",
    "Squat (Bodyweight)": "air-squat",
    "Air Squat": "air-squat",
    "Squat (Smith Machine)": "smith-machine-squat",
    "Goblet Squat": "goblet-squat",
    "Overhead Press (Dumbbell)": "dumbbell-overhead-press",
    "Shoulder Press (Dumbbell)": "seated-dumbbell-shoulder-press",
    "Seated Overhead Press (Dumbbell)": "seated-dumbbell-shoulder-press",
    "Military Press (Barbell)": "barbell-overhead-press",
    "Strict Military Press (Barbell)": "barbell-overhead-press",
    "Push Press": "push-press",
    "Incline Bench Press (Dumbbell)": "incline-dumbbell-press",
    "Chest Fly (Dumbbell)": "dumbbell-fly",
    "Chest Fly (Cable)": "cable-fly",
    "Cable Crossover": "cable-fly",
    "Chest Fly (Machine)": "pec-deck",
    "Butterfly (Pec Deck)": "pec-deck",
    "Pec Deck": "pec-deck",
    "Lat Pulldown (Machine)": "machine-pulldown",
    "Seated Cable Row - V Grip (Cable)": "seated-cable-row",
    "Seated Row (Machine)": "machine-row",
    "Dumbbell Row": "one-arm-dumbbell-row",
    "Bent Over One Arm Row (Dumbbell)": "one-arm-dumbbell-row",
    "Triceps Pushdown (Cable - Straight Bar)": "triceps-pushdown",
    "Triceps Pushdown": "triceps-pushdown",
    "Triceps Rope Pushdown": "triceps-pushdown",
    "Triceps Extension (Dumbbell)": "dumbbell-overhead-triceps-extension",
    "Triceps Extension (Cable)": "cable-overhead-triceps-extension",
    "Skullcrusher (Dumbbell)": "dumbbell-skull-crusher",
    "Bicep Curl (Barbell)": "barbell-curl",
    "Bicep Curl (Cable)": "cable-curl",
    "Face Pull": "cable-face-pull",
    "Plank": "forearm-plank",
    "Seated Calf Raise": "machine-calf-raise",
    "Calf Raise (Machine)": "machine-calf-raise",
    "Standing Calf Raise (Dumbbell)": "dumbbell-calf-raise",
    "Hip Abduction (Machine)": "machine-hip-abduction",
    "Hip Adduction (Machine)": "machine-hip-adduction",
    "Farmer's Walk": "farmer-carry",
    "Superman": "prone-superman",
    "Reverse Fly (Dumbbell)": "dumbbell-rear-delt-fly",
    "Rear Delt Reverse Fly (Dumbbell)": "dumbbell-rear-delt-fly",
    "Reverse Fly (Machine)": "machine-reverse-fly",
    "Cable Crunch": "cable-crunch",
    "Diamond Push Up": "diamond-push-up",
    "Hollow Hold": "hollow-hold",
    "Back Extension": "back-extension",
    "Hyperextension": "back-extension",
    "Rowing (Machine)": "rowing-machine-steady",
    "Elliptical Trainer": "elliptical-steady",
}

# Words in parentheses that name equipment, and the catalogue's word for it.
EQUIPMENT_WORDS: dict[str, str] = {
    "barbell": "barbell",
    "dumbbell": "dumbbells",
    "kettlebell": "kettlebells",
    "cable": "cable_machine",
    "machine": "machines",
    "smith machine": "machines",
    "band": "resistance_bands",
    "resistance band": "resistance_bands",
    "bodyweight": "bodyweight",
    "body weight": "bodyweight",
}


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


# ---------------------------------------------------------------------------------------
# Exercise names


def _tokens(text: str) -> list[str]:
    text = text.casefold().replace("'", "").replace("\u2019", "").replace("&", " and ")
    words = re.sub(r"[^0-9a-z]+", " ", text).split()
    return [_singular(w) for w in words]


def _singular(word: str) -> str:
    if word == "calves":
        return "calf"
    if len(word) > 4 and word.endswith(("sses", "ches", "shes", "xes")):
        return word[:-2]
    if len(word) > 2 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


_PARENS = re.compile(r"^(.*?)\s*\(([^()]*)\)\s*$")


def _split_parens(name: str) -> tuple[str, str]:
    """("Bench Press", "Barbell") for "Bench Press (Barbell)"; (name, "") without parentheses."""
    found = _PARENS.match(name.strip())
    return (found.group(1), found.group(2)) if found else (name.strip(), "")


def normalise_name(name: str) -> str:
    """A name reduced for matching: "Bench Press (Barbell)" → "barbell bench press"."""
    base, inner = _split_parens(name)
    return " ".join(_tokens(f"{inner} {base}"))


@dataclass(frozen=True)
class _Index:
    exact: dict[str, str]  # casefolded name → id
    normal: dict[str, str]  # normalised name → id (also with spaces removed)
    words: dict[tuple[str, ...], str]  # sorted words → id, only where unambiguous
    aliases: dict[str, str]
    equipment: dict[str, frozenset[str]]


@lru_cache(maxsize=1)
def _catalogue_index() -> _Index:
    exact: dict[str, str] = {}
    normal: dict[str, str] = {}
    words: dict[tuple[str, ...], str | None] = {}
    equipment: dict[str, frozenset[str]] = {}
    for entry in catalogue.all_exercises():
        exact.setdefault(entry.name.casefold(), entry.id)
        key = normalise_name(entry.name)
        normal.setdefault(key, entry.id)
        normal.setdefault(key.replace(" ", ""), entry.id)
        sorted_words = tuple(sorted(key.split()))
        words[sorted_words] = entry.id if words.get(sorted_words, entry.id) == entry.id else None
        equipment[entry.id] = entry.equipment_set
    aliases = {normalise_name(name): target for name, target in ALIASES.items()}
    return _Index(exact=exact, normal=normal, words={k: v for k, v in words.items() if v},
                  aliases=aliases, equipment=equipment)


def match_exercise(name: str) -> str | None:
    """The catalogue id for an exercise name from another app, or None.

    In order: the exact name ignoring case; the alias table; the normalised name
    (equipment in parentheses moved to the front, plurals and punctuation dropped, also
    without spaces); the same words in any order; and the name without its equipment when
    the catalogue's exercise uses that equipment ("Lat Pulldown (Cable)" → "Lat pulldown").
    """
    index = _catalogue_index()
    if not name.strip():
        return None
    found = index.exact.get(name.strip().casefold())
    if found:
        return found
    key = normalise_name(name)
    for lookup in (index.aliases.get(key), index.normal.get(key), index.normal.get(key.replace(" ", "")),
                   index.words.get(tuple(sorted(key.split())))):
        if lookup:
            return lookup
    base, inner = _split_parens(name)
    kit = EQUIPMENT_WORDS.get(" ".join(_tokens(inner)))
    if kit:
        base_key = " ".join(_tokens(base))
        candidate = (index.normal.get(base_key) or index.normal.get(base_key.replace(" ", ""))
                     or index.words.get(tuple(sorted(base_key.split()))))
        if candidate and kit in index.equipment.get(candidate, frozenset()):
            return candidate
    return None


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.casefold()).strip("-") or "exercise"


# ---------------------------------------------------------------------------------------
# Reading the file


class _RowError(Exception):
    """A problem with one row; the message is completed with the line number."""


@dataclass
class _Set:
    reps: int | None
    seconds: int | None
    weight_kg: float | None
    rpe: float | None


def _set(reps: int | None, seconds: int | None, weight_kg: float | None, rpe: float | None) -> _Set:
    """A set with the apps' zero placeholders dropped: 0 s and 0 kg mean "none", and so do
    0 reps on a timed set (Strong writes 0 in every empty number column)."""
    seconds = seconds or None
    if reps == 0 and seconds is not None:
        reps = None
    return _Set(reps=reps, seconds=seconds, weight_kg=weight_kg or None, rpe=rpe)


@dataclass
class _Entry:
    name: str
    note: str = ""
    sets: list[_Set] = field(default_factory=list)


@dataclass
class _Workout:
    line: int
    local_start: datetime  # naive, the person's local time
    name: str
    duration_seconds: int | None
    note: str
    entries: dict[str, _Entry] = field(default_factory=dict)
    started_at: datetime | None = None  # UTC, filled in once the zone is known


@dataclass
class _Row:
    """One set as read from either format."""

    local_start: datetime
    workout_name: str
    duration_seconds: int | None
    workout_note: str
    exercise: str
    exercise_note: str
    set: _Set


def _decode(text: str | bytes) -> str:
    size = len(text) if isinstance(text, bytes) else len(text.encode("utf-8", errors="replace"))
    if size > MAX_BYTES:
        raise _too_big(size)
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise ValidationError("This file is not UTF-8 text. Export it again as CSV.",
                                  field="file") from exc
    text = text.removeprefix("\ufeff")
    if not text.strip():
        raise ValidationError("This file is empty.", field="file")
    return text


def _detect(header: list[str], source: str | None) -> str:
    columns = set(header)

    def missing(required: tuple[str, ...]) -> list[str]:
        return [c for c in required if c not in columns]

    strong_missing = missing(STRONG_REQUIRED)
    hevy_missing = missing(HEVY_REQUIRED)
    if not ({"weight_kg", "weight_lbs"} & columns):
        hevy_missing.append("weight_kg")
    if source is None:
        if not strong_missing:
            return "strong"
        if not hevy_missing:
            return "hevy"
        raise ValidationError(
            "This file does not look like a Strong or Hevy export: its first line should name the "
            f"columns, like Strong's \"{STRONG_HEADER}\" or Hevy's \"{HEVY_HEADER}\".", field="file")
    lacking = strong_missing if source == "strong" else hevy_missing
    if lacking:
        raise ValidationError(
            f"This is not a {SOURCE_LABELS[source]} export: it has no "
            f"{', '.join(lacking)} column{'s' if len(lacking) > 1 else ''}.", field="file")
    return source


def _rows(text: str) -> tuple[list[str], Iterator[tuple[int, list[str]]]]:
    """The header (lower-case) and an iterator of (first line number, cells) for data rows."""
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = next(reader)
    except (StopIteration, csv.Error) as exc:
        raise ValidationError("This file has no header line.", field="file") from exc
    header = [cell.strip().lower() for cell in header]

    def data() -> Iterator[tuple[int, list[str]]]:
        last = reader.line_num
        while True:
            start = last + 1
            try:
                cells = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                raise ValidationError(f"Line {start}: this line is not valid CSV ({exc}).",
                                      field="file") from exc
            last = reader.line_num
            yield start, cells

    return header, data()


def _number(raw: str, what: str, *, integer: bool, low: float, high: float) -> float | None:
    text = raw.strip()
    if not text:
        return None
    if "," in text and "." not in text:
        text = text.replace(",", ".")  # a decimal comma, as in "82,5"
    try:
        value = float(text)
    except ValueError:
        raise _RowError(f"{what} must be a number, not \"{raw.strip()}\".") from None
    if not math.isfinite(value):
        raise _RowError(f"{what} must be a number, not \"{raw.strip()}\".")
    if integer and value != int(value):
        raise _RowError(f"{what} must be a whole number, not {raw.strip()}.")
    if value < low:
        if low == 0:
            raise _RowError(f"{what} cannot be negative ({raw.strip()}).")
        raise _RowError(f"{what} must be between {low:g} and {high:g}, not {raw.strip()}.")
    if value > high:
        raise _RowError(f"{what} must be between {low:g} and {high:g}, not {raw.strip()}.")
    return value


def _int(raw: str, what: str, high: float) -> int | None:
    value = _number(raw, what, integer=True, low=0, high=high)
    return None if value is None else int(value)


def _weight_kg(raw: str, unit: str) -> float | None:
    value = _number(raw, "Weight", integer=False, low=0, high=math.inf)
    if value is None:
        return None
    kilograms = round(value * KG_PER_LB, 2) if unit == "lb" else round(value, 2)
    if kilograms > MAX_WEIGHT_KG:
        shown = f"{raw.strip()} {unit}"
        raise _RowError(f"Weight {shown} is more than {MAX_WEIGHT_KG:g} kg; check the number and the unit.")
    return kilograms


def _rpe(raw: str) -> float | None:
    return _number(raw, "RPE", integer=False, low=1, high=10)


@lru_cache(maxsize=4096)
def _parse_datetime(text: str) -> datetime | None:
    """`text` read with the first of DATE_FORMATS that fits (cached: every set repeats it)."""
    for pattern in DATE_FORMATS:
        try:
            return datetime.strptime(text, pattern)
        except ValueError:
            continue
    return None


def _datetime(raw: str, what: str) -> datetime:
    text = " ".join(raw.split())
    if not text:
        raise _RowError(f"The {what} is empty.")
    found = _parse_datetime(text)
    if found is None:
        raise _RowError(f"\"{raw.strip()}\" is not a {what} we can read (like 2024-01-15 07:30:00 "
                        "or 15 Jan 2024, 07:30).")
    return found


def _duration(raw: str) -> int | None:
    """Seconds for "1h 5m", "45m", "90s", "1:05:00" or a plain number of seconds."""
    text = raw.strip().lower()
    if not text:
        return None
    seconds: int | None = None
    clock = _CLOCK.match(text)
    found = _DURATION.match(text)
    if text.isdigit():
        seconds = int(text)
    elif clock:
        hours_or_minutes, minutes_or_seconds, last = clock.groups()
        if last is None:  # "mm:ss"
            seconds = int(hours_or_minutes) * 60 + int(minutes_or_seconds)
        else:
            seconds = int(hours_or_minutes) * 3600 + int(minutes_or_seconds) * 60 + int(last)
    elif found and any(found.groups()):
        hours, minutes, secs = (int(part or 0) for part in found.groups())
        seconds = hours * 3600 + minutes * 60 + secs
    if seconds is None:
        raise _RowError(f"The duration \"{raw.strip()}\" is not one we can read (like 1h 5m or 45m).")
    if seconds > MAX_DURATION_SECONDS:
        raise _RowError(f"The duration \"{raw.strip()}\" is longer than a day.")
    return seconds


def _unit(raw: str, default: str) -> str:
    text = raw.strip().lower()
    if not text:
        return default
    if text in ("kg", "kgs"):
        return "kg"
    if text in ("lb", "lbs"):
        return "lb"
    raise _RowError(f"The weight unit \"{raw.strip()}\" is neither kg nor lbs.")


def _strong_row(cell, weight_unit: str) -> _Row | None:
    set_order = cell("set order").strip()
    if set_order.lower() == _STRONG_REST_ROW:
        return None  # Strong's rest-timer rows carry no set
    if set_order.lower() not in _STRONG_SET_MARKERS:
        _int(set_order, "Set Order", 10_000)
    exercise = cell("exercise name").strip()
    if not exercise:
        raise _RowError("The exercise name is empty.")
    unit = _unit(cell("weight unit"), weight_unit)
    return _Row(
        local_start=_datetime(cell("date"), "date"),
        workout_name=cell("workout name").strip(),
        duration_seconds=_duration(cell("duration")),
        workout_note=cell("workout notes").strip(),
        exercise=exercise,
        exercise_note=cell("notes").strip(),
        set=_set(reps=_int(cell("reps"), "Reps", MAX_REPS),
                 seconds=_int(cell("seconds"), "Seconds", MAX_SECONDS),
                 weight_kg=_weight_kg(cell("weight"), unit), rpe=_rpe(cell("rpe"))),
    )


def _hevy_row(cell, _weight_unit: str) -> _Row:
    start = _datetime(cell("start_time"), "start time")
    duration = None
    if cell("end_time").strip():
        end = _datetime(cell("end_time"), "end time")
        if end < start:
            raise _RowError("The workout ends before it starts.")
        duration = int((end - start).total_seconds())
        if duration > MAX_DURATION_SECONDS:
            raise _RowError("The workout lasts longer than a day.")
    _int(cell("set_index"), "set_index", 10_000)
    exercise = cell("exercise_title").strip()
    if not exercise:
        raise _RowError("The exercise name is empty.")
    if cell("weight_kg").strip():
        weight = _weight_kg(cell("weight_kg"), "kg")
    else:
        weight = _weight_kg(cell("weight_lbs"), "lb")
    return _Row(
        local_start=start,
        workout_name=cell("title").strip(),
        duration_seconds=duration,
        workout_note=cell("description").strip(),
        exercise=exercise,
        exercise_note=cell("exercise_notes").strip(),
        set=_set(reps=_int(cell("reps"), "Reps", MAX_REPS),
                 seconds=_int(cell("duration_seconds"), "duration_seconds", MAX_SECONDS),
                 weight_kg=weight, rpe=_rpe(cell("rpe"))),
    )


def _out_of_range(row: _Row, latest: datetime) -> str | None:
    """Why the row's date cannot be imported, or None."""
    if row.local_start < EARLIEST:
        return (f"the workout on {row.local_start.date().isoformat()} is before {EARLIEST.year}; only "
                f"workouts from {EARLIEST.year} on can be imported.")
    if row.local_start > latest:
        return f"the workout on {row.local_start.isoformat(sep=' ', timespec='minutes')} is in the future."
    return None


def _read(text: str, source: str | None, weight_unit: str,
          latest: datetime = datetime.max) -> tuple[str, list[_Workout]]:
    """Every row checked, grouped into workouts. ``latest``: the latest local start a row may
    have (naive); earlier than EARLIEST or later than that is a row error."""
    header, rows = _rows(text)
    source = _detect(header, source)
    parse_row = _strong_row if source == "strong" else _hevy_row
    position = {name: i for i, name in reversed(list(enumerate(header)))}
    workouts: dict[tuple[datetime, str], _Workout] = {}
    problems: list[str] = []
    count = 0
    for line, cells in rows:
        if not any(c.strip() for c in cells):
            continue  # blank line
        count += 1
        if count > MAX_ROWS:
            raise ValidationError(
                f"This file has more than {MAX_ROWS:,} rows. Export a shorter date range and import "
                "the parts one by one.", field="file")
        if len(cells) > len(header) and any(c.strip() for c in cells[len(header):]):
            problems.append(f"Line {line}: it has {len(cells)} columns but the header has {len(header)}.")
        else:
            def cell(name: str, cells: list[str] = cells) -> str:
                index = position.get(name)
                return cells[index] if index is not None and index < len(cells) else ""

            try:
                row = parse_row(cell, weight_unit)
            except _RowError as exc:
                problems.append(f"Line {line}: {exc}")
                row = None
            if row is not None and (wrong := _out_of_range(row, latest)):
                problems.append(f"Line {line}: {wrong}")
                row = None
            if row is not None and not problems:
                name = row.workout_name[:SESSION_NAME_LENGTH] or DEFAULT_SESSION_NAME
                key = (row.local_start, name)
                workout = workouts.get(key)
                if workout is None:
                    workout = workouts[key] = _Workout(line=line, local_start=row.local_start, name=name,
                                                       duration_seconds=row.duration_seconds,
                                                       note=row.workout_note)
                entry = workout.entries.get(row.exercise)
                if entry is None:
                    entry = workout.entries[row.exercise] = _Entry(name=row.exercise)
                if row.exercise_note and not entry.note:
                    entry.note = row.exercise_note[:NOTE_LENGTH]
                entry.sets.append(row.set)
        if len(problems) >= MAX_PROBLEMS_REPORTED:
            break
    if problems:
        more = " (and maybe more)" if len(problems) >= MAX_PROBLEMS_REPORTED else ""
        raise ValidationError(
            "Nothing was imported. Fix these lines and try again: " + " ".join(problems) + more,
            field="file")
    if not workouts:
        raise ValidationError("This file has no workouts in it.", field="file")
    return source, sorted(workouts.values(), key=lambda w: (w.local_start, w.name))


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


def _already_there(session: Session, user_id: int, workouts: list[_Workout]) -> set[tuple[datetime, str]]:
    starts = [w.started_at for w in workouts if w.started_at is not None]
    rows = session.exec(
        select(WorkoutSession.started_at, WorkoutSession.name).where(
            WorkoutSession.user_id == user_id,
            col(WorkoutSession.started_at) >= min(starts) - timedelta(seconds=1),
            col(WorkoutSession.started_at) <= max(starts) + timedelta(seconds=1),
        )
    ).all()
    return {(_utc(started).replace(microsecond=0), name) for started, name in rows}


def _utc(moment: datetime) -> datetime:
    return moment.astimezone(UTC) if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


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


def _resolve_exercises(user_id: int, workouts: list[_Workout], own: _Own, source: str,
                       now: datetime) -> _Resolution:
    """Exercise ids for every name, new custom exercises planned (not written). No database
    access: the person's custom exercises were read before (`own`). Refuses, before any work
    on the rest, a file that would create more custom exercises than allowed."""
    names: dict[str, list[_Set]] = {}
    for workout in workouts:
        for entry in workout.entries.values():
            names.setdefault(entry.name, []).extend(entry.sets)
    by_name, by_key, taken = dict(own.by_name), dict(own.by_key), set(own.ids)
    result = _Resolution(matched={}, custom={}, new_rows={})
    allowed = min(MAX_NEW_CUSTOM_EXERCISES, max(0, MAX_CUSTOM_EXERCISES - own.count))
    label = SOURCE_LABELS[source]
    for name, sets in names.items():
        exact = _catalogue_index().exact.get(name.casefold())
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


def _latest_local(now: datetime) -> datetime:
    """The latest local start a file may hold, whatever the person's zone (zones run at most
    14 hours ahead of UTC; the exact check, in the person's zone, follows)."""
    return (_utc(now) + FUTURE_SLACK + timedelta(hours=14)).replace(tzinfo=None)


async def read_upload(upload, limit: int = MAX_BYTES) -> bytes:
    """The bytes of an uploaded file, read a chunk at a time; a file over `limit` bytes is
    refused (ValidationError, field "file") as soon as it shows, after reading at most
    ``limit + 1`` bytes of it. `upload` has ``read(size)`` (awaitable or not) and may say
    its ``size``."""
    size = getattr(upload, "size", None)
    if isinstance(size, int) and size > limit:
        raise _too_big(size)
    chunks: list[bytes] = []
    total = 0
    while total <= limit:
        chunk = upload.read(min(READ_CHUNK, limit + 1 - total))
        if inspect.isawaitable(chunk):
            chunk = await chunk
        if not chunk:
            break
        chunks.append(bytes(chunk))
        total += len(chunk)
    if total > limit:
        raise _too_big(None)
    return b"".join(chunks)


def _too_big(size: int | None) -> ValidationError:
    most = f"{MAX_BYTES // (1024 * 1024)} MB"
    said = f"This file is {size / 1024 / 1024:.1f} MB" if size is not None else "This file is over " + most
    return ValidationError(f"{said}; the most we take is {most}. Export a shorter date range and "
                           "import the parts one by one.", field="file")


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
    text = _decode(text)
    with db.read_only() as session:
        if session.get(User, user_id) is None:
            raise NotFound("That account does not exist.")
        zone_name, zone, units = _zone_of(session, user_id)
        own = _own_customs(session, user_id)
    found_source, workouts = _read(text, source, unit or units, _latest_local(now))
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


def _plan_rows(user_id: int, workouts: list[_Workout], ids: dict[str, str], zone_name: str,
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
                    "rpe": item.rpe, "done": True, "completed_at": w.started_at + timedelta(seconds=offset)}))
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
        (_utc(started), name): session_id
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
