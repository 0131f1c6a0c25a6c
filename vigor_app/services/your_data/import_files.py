"""Reading a Strong or Hevy CSV export: the upload's bytes (read in chunks, at most 5 MB), the
header (which app, which columns), and every row checked and grouped into workouts.

Nothing here touches the database: `data_import` matches the exercises and writes. One bad row
(an unreadable date, a date before 1900 or in the future, negative reps, more than 700 kg, RPE
outside 1-10, text in a number column) refuses the whole file, naming the lines at fault.
"""

from __future__ import annotations

import csv
import inspect
import io
import math
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import lru_cache
from typing import Literal

from vigor_app.clock import as_utc
from vigor_app.services.errors import ValidationError
from vigor_app.services.training import set_kinds, set_values
from vigor_app.services.units import to_kg

Source = Literal["strong", "hevy"]
SOURCES: tuple[str, ...] = ("strong", "hevy")
SOURCE_LABELS = {"strong": "Strong", "hevy": "Hevy"}

MAX_BYTES = 5 * 1024 * 1024
READ_CHUNK = 64 * 1024  # an upload is read this much at a time
MAX_ROWS = 50_000
EARLIEST = datetime(1900, 1, 1)  # the earliest local start a file may hold
MAX_DURATION_SECONDS = 24 * 3600
MAX_PROBLEMS_REPORTED = 5
FUTURE_SLACK = timedelta(days=1)  # a file's times may run ahead of the clock by a time zone
SESSION_NAME_LENGTH = 120
NOTE_LENGTH = 500
DEFAULT_SESSION_NAME = "Imported workout"

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


class _RowError(Exception):
    """A problem with one row; the message is completed with the line number."""


@dataclass
class FileSet:
    reps: int | None
    seconds: int | None
    weight_kg: float | None
    rpe: float | None
    kind: str = set_kinds.NORMAL  # warm-up, drop or failure as the file marks it


def _set(reps: int | None, seconds: int | None, weight_kg: float | None, rpe: float | None,
         kind: str = set_kinds.NORMAL) -> FileSet:
    """A set with the apps' zero placeholders dropped: 0 s and 0 kg mean "none", and so do
    0 reps on a timed set (Strong writes 0 in every empty number column)."""
    seconds = seconds or None
    if reps == 0 and seconds is not None:
        reps = None
    return FileSet(reps=reps, seconds=seconds, weight_kg=weight_kg or None, rpe=rpe, kind=kind)


def _kind(raw: str, what: str) -> str:
    """A set type as a file writes it (blank: a working set)."""
    if (kind := set_kinds.read_kind(raw) if raw.strip() else set_kinds.NORMAL) is None:
        raise _RowError(f"{what} {raw.strip()[:20]!r} is not a set type (normal, warm-up, drop set or failure).")
    return kind


@dataclass
class _Entry:
    name: str
    note: str = ""
    sets: list[FileSet] = field(default_factory=list)


@dataclass
class FileWorkout:
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
    set: FileSet


def decode(text: str | bytes) -> str:
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
    """`set_values.read_value` for a cell, its problem worded with the cell's text."""
    try:
        return set_values.read_value(raw, low=low, high=high, integer=integer)
    except set_values.NumberProblem as problem:
        shown = raw.strip()
        if problem.kind == set_values.NOT_A_NUMBER:
            raise _RowError(f"{what} must be a number, not \"{shown}\".") from None
        if problem.kind == set_values.NOT_WHOLE:
            raise _RowError(f"{what} must be a whole number, not {shown}.") from None
        if low == 0 and problem.number is not None and problem.number < low:
            raise _RowError(f"{what} cannot be negative ({shown}).") from None
        raise _RowError(f"{what} must be between {low:g} and {high:g}, not {shown}.") from None


def _int(raw: str, what: str, high: float) -> int | None:
    value = _number(raw, what, integer=True, low=0, high=high)
    return None if value is None else int(value)


def _weight_kg(raw: str, unit: str) -> float | None:
    value = _number(raw, "Weight", integer=False, low=0, high=math.inf)
    if value is None:
        return None
    kilograms = round(to_kg(value, unit), 2)
    if kilograms > set_values.MAX_WEIGHT_KG:
        shown = f"{raw.strip()} {unit}"
        raise _RowError(f"Weight {shown} is more than {set_values.MAX_WEIGHT_KG:g} kg; check the number and the unit.")
    return kilograms


def _rpe(raw: str) -> float | None:
    return _number(raw, "RPE", integer=False, low=set_values.RPE_LOW, high=set_values.RPE_HIGH)


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
    if not (marked := set_order.lower() in _STRONG_SET_MARKERS):
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
        set=_set(reps=_int(cell("reps"), "Reps", set_values.MAX_REPS),
                 seconds=_int(cell("seconds"), "Seconds", set_values.MAX_SECONDS),
                 weight_kg=_weight_kg(cell("weight"), unit), rpe=_rpe(cell("rpe")),
                 kind=_kind(set_order, "Set Order") if marked else set_kinds.NORMAL),
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
        set=_set(reps=_int(cell("reps"), "Reps", set_values.MAX_REPS),
                 seconds=_int(cell("duration_seconds"), "duration_seconds", set_values.MAX_SECONDS),
                 weight_kg=weight, rpe=_rpe(cell("rpe")), kind=_kind(cell("set_type"), "set_type")),
    )


def _out_of_range(row: _Row, latest: datetime) -> str | None:
    """Why the row's date cannot be imported, or None."""
    if row.local_start < EARLIEST:
        return (f"the workout on {row.local_start.date().isoformat()} is before {EARLIEST.year}; only "
                f"workouts from {EARLIEST.year} on can be imported.")
    if row.local_start > latest:
        return f"the workout on {row.local_start.isoformat(sep=' ', timespec='minutes')} is in the future."
    return None


def read_workouts(text: str, source: str | None, weight_unit: str,
          latest: datetime = datetime.max) -> tuple[str, list[FileWorkout]]:
    """Every row checked, grouped into workouts. ``latest``: the latest local start a row may
    have (naive); earlier than EARLIEST or later than that is a row error."""
    header, rows = _rows(text)
    source = _detect(header, source)
    parse_row = _strong_row if source == "strong" else _hevy_row
    position = {name: i for i, name in reversed(list(enumerate(header)))}
    workouts: dict[tuple[datetime, str], FileWorkout] = {}
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
                    workout = workouts[key] = FileWorkout(line=line, local_start=row.local_start, name=name,
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


def latest_local(now: datetime) -> datetime:
    """The latest local start a file may hold, whatever the person's zone (zones run at most
    14 hours ahead of UTC; the exact check, in the person's zone, follows)."""
    return (as_utc(now) + FUTURE_SLACK + timedelta(hours=14)).replace(tzinfo=None)


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
