"""Reading a CSV export from Strong or Hevy (or Vigor's own, whose rows `vigor_files` reads):
the header (which app, which columns), and every row checked and grouped into workouts, with
their exercises, supersets, notes and sets (set type, reps, seconds, weight, distance, RPE).

Nothing here touches the database: `importer` matches the exercises and writes. One bad row
(an unreadable date, a date before 1900 or in the future, negative reps, more than 700 kg, RPE
outside 1-10, text in a number column, a control character) refuses the whole file, naming
the lines at fault. The cells are read by `file_cells`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

from vigor_app.services.errors import FileError
from vigor_app.services.training import set_kinds
from vigor_app.services.training.workout_entries import MAX_NOTE
from vigor_app.services.training.workout_sessions import MAX_SESSION_NOTE
from vigor_app.services.units import MI
from vigor_app.services.your_data import file_cells as cells
from vigor_app.services.your_data.file_cells import (  # noqa: F401 - the upload's reading, named here too
    EARLIEST,
    FUTURE_SLACK,
    MAX_BYTES,
    RowError,
    decode,
    latest_local,
    read_upload,
)

Source = Literal["strong", "hevy", "vigor"]
SOURCES: tuple[str, ...] = ("strong", "hevy", "vigor")
SOURCE_LABELS = {"strong": "Strong", "hevy": "Hevy", "vigor": "Vigor"}

MAX_ROWS = 50_000
MAX_PROBLEMS_REPORTED = 5
SESSION_NAME_LENGTH = 120
EXERCISE_NAME_LENGTH = 120
NOTE_LENGTH = MAX_NOTE  # an exercise's note in a workout
SESSION_NOTE_LENGTH = MAX_SESSION_NOTE
SUPERSET_LABEL_LENGTH = 40
DEFAULT_SESSION_NAME = "Imported workout"

# The columns each export must have (lower-case), and the ones we read when present.
STRONG_REQUIRED = ("date", "workout name", "exercise name", "set order", "weight", "reps")
STRONG_OPTIONAL = ("duration", "distance", "seconds", "notes", "workout notes", "rpe", "weight unit",
                   "distance unit")
HEVY_REQUIRED = ("title", "start_time", "exercise_title", "set_index", "reps")
HEVY_OPTIONAL = ("end_time", "description", "superset_id", "exercise_notes", "set_type", "weight_kg",
                 "weight_lbs", "distance_km", "distance_miles", "duration_seconds", "rpe")
STRONG_HEADER = "Date;Workout Name;Duration;Exercise Name;Set Order;Weight;Reps;Distance;Seconds;Notes;Workout Notes;RPE"
HEVY_HEADER = ("title,start_time,end_time,description,exercise_title,superset_id,exercise_notes,"
               "set_index,set_type,weight_kg,reps,distance_km,duration_seconds,rpe")

_STRONG_SET_MARKERS = frozenset({"w", "d", "f"})  # warm-up, drop set, failure
_STRONG_REST_ROW = "rest timer"


@dataclass
class FileSet:
    reps: int | None
    seconds: int | None
    weight_kg: float | None
    rpe: float | None
    kind: str = set_kinds.NORMAL  # warm-up, drop or failure as the file marks it
    distance_m: float | None = None
    done: bool = True  # Strong and Hevy hold done sets only; Vigor's files say
    position: int | None = None  # Vigor's files say; else the set's place in the file
    completed_at: datetime | None = None  # UTC; Vigor's JSON says, else spread over the session


def file_set(reps: int | None, seconds: int | None, weight_kg: float | None, rpe: float | None,
             kind: str = set_kinds.NORMAL, distance_m: float | None = None) -> FileSet:
    """A set with the apps' zero placeholders dropped: 0 s, 0 kg and 0 km mean "none", and so
    do 0 reps on a timed or a cardio set (Strong writes 0 in every empty number column)."""
    seconds = seconds or None
    distance_m = distance_m or None
    if reps == 0 and (seconds is not None or distance_m is not None):
        reps = None
    return FileSet(reps=reps, seconds=seconds, weight_kg=weight_kg or None, rpe=rpe, kind=kind,
                   distance_m=distance_m)


def set_kind(raw: str, what: str) -> str:
    """A set type as a file writes it (blank: a working set)."""
    if (kind := set_kinds.read_kind(raw) if raw.strip() else set_kinds.NORMAL) is None:
        raise RowError(f"{what} {raw.strip()[:20]!r} is not a set type (normal, warm-up, drop set or failure).")
    return kind


@dataclass
class FileEntry:
    """One exercise of a workout."""

    name: str
    note: str = ""
    sets: list[FileSet] = field(default_factory=list)
    exercise_id: str | None = None  # Vigor's files name the exercise by id too
    superset: int | None = None  # entries of a workout sharing a number are a superset
    position: int | None = None  # Vigor's files say; else the entry's place in the file
    target_sets: int | None = None
    target_reps: str = ""
    target_rpe: float | None = None
    rest_seconds: int | None = None
    superset_label: str = ""  # as the file names the group, before numbering


@dataclass
class FileWorkout:
    line: int  # its first line (CSV) or its number in the file (JSON): its place in the file
    local_start: datetime  # naive, the person's local time
    name: str
    duration_seconds: int | None
    note: str
    entries: dict[object, FileEntry] = field(default_factory=dict)
    started_at: datetime | None = None  # UTC: from Vigor's files, or once the zone is known
    ended_at: datetime | None = None  # UTC, when the file says
    timezone: str | None = None  # the zone the person trained in, when the file says
    intensity: int | None = None
    file_id: int | None = None  # the session's id in a Vigor JSON file (coach messages name it)


@dataclass
class Row:
    """One set as read from a CSV file."""

    local_start: datetime
    workout_name: str
    duration_seconds: int | None
    workout_note: str
    exercise: str
    exercise_note: str
    set: FileSet
    superset: str = ""  # the file's label for the exercise's superset group
    entry_key: object = None  # which entry of the workout (default: the exercise name)
    entry: FileEntry | None = None  # the entry's other details (Vigor's files)
    started_at: datetime | None = None  # UTC, when the file says
    timezone: str | None = None
    intensity: int | None = None


Cell = Callable[[str], str]


@dataclass(frozen=True)
class CsvFormat:
    name: str  # a SOURCES value
    required: tuple[str, ...]
    one_of: tuple[str, ...]  # at least one of these columns too
    header: str  # a first line of this format, for the message when none fits
    read_row: Callable[[Cell, str], Row | None]  # (cell, weight unit) → the row, None: no set
    numbered_supersets: bool = False  # the file's superset numbers are kept, not renumbered


def exercise_name(raw: str) -> str:
    name = cells.text(raw, "The exercise name", EXERCISE_NAME_LENGTH)
    if not name:
        raise RowError("The exercise name is empty.")
    return name


def _strong_row(cell: Cell, unit: str) -> Row | None:
    set_order = cell("set order").strip()
    if set_order.lower() == _STRONG_REST_ROW:
        return None  # Strong's rest-timer rows carry no set
    if not (marked := set_order.lower() in _STRONG_SET_MARKERS):
        cells.whole(set_order, "Set Order", 10_000)
    row_unit = cells.weight_unit(cell("weight unit"), unit)
    return Row(
        local_start=cells.local_datetime(cell("date"), "date"),
        workout_name=cells.text(cell("workout name"), "The workout name", SESSION_NAME_LENGTH),
        duration_seconds=cells.duration(cell("duration")),
        workout_note=cells.text(cell("workout notes"), "Workout Notes", SESSION_NOTE_LENGTH),
        exercise=exercise_name(cell("exercise name")),
        exercise_note=cells.text(cell("notes"), "Notes", NOTE_LENGTH),
        set=file_set(reps=cells.reps(cell("reps")), seconds=cells.seconds(cell("seconds")),
                     weight_kg=cells.weight_kg(cell("weight"), row_unit), rpe=cells.rpe(cell("rpe")),
                     kind=set_kind(set_order, "Set Order") if marked else set_kinds.NORMAL,
                     # Strong writes a distance in the person's unit: km with kg, miles with lb
                     distance_m=cells.distance_m(cell("distance"),
                                                 cells.distance_unit_cell(cell("distance unit"), row_unit))),
    )


def _hevy_row(cell: Cell, _unit: str) -> Row:
    start = cells.local_datetime(cell("start_time"), "start time")
    duration = None
    if cell("end_time").strip():
        end = cells.local_datetime(cell("end_time"), "end time")
        if end < start:
            raise RowError("The workout ends before it starts.")
        duration = int((end - start).total_seconds())
        if duration > cells.MAX_DURATION_SECONDS:
            raise RowError("The workout lasts longer than a day.")
    cells.whole(cell("set_index"), "set_index", 10_000)
    if cell("weight_kg").strip():
        weight = cells.weight_kg(cell("weight_kg"), "kg", "weight_kg")
    else:
        weight = cells.weight_kg(cell("weight_lbs"), "lb", "weight_lbs")
    if cell("distance_km").strip():
        distance = cells.distance_m(cell("distance_km"), "km", "distance_km")
    else:
        distance = cells.distance_m(cell("distance_miles"), MI, "distance_miles")
    return Row(
        local_start=start,
        workout_name=cells.text(cell("title"), "The title", SESSION_NAME_LENGTH),
        duration_seconds=duration,
        workout_note=cells.text(cell("description"), "The description", SESSION_NOTE_LENGTH),
        exercise=exercise_name(cell("exercise_title")),
        exercise_note=cells.text(cell("exercise_notes"), "exercise_notes", NOTE_LENGTH),
        set=file_set(reps=cells.reps(cell("reps")),
                     seconds=cells.seconds(cell("duration_seconds"), "duration_seconds"),
                     weight_kg=weight, rpe=cells.rpe(cell("rpe")), kind=set_kind(cell("set_type"), "set_type"),
                     distance_m=distance),
        superset=cells.text(cell("superset_id"), "superset_id", SUPERSET_LABEL_LENGTH),
    )


STRONG = CsvFormat("strong", STRONG_REQUIRED, (), STRONG_HEADER, _strong_row)
HEVY = CsvFormat("hevy", HEVY_REQUIRED, ("weight_kg", "weight_lbs"), HEVY_HEADER, _hevy_row)


def _detect(header: list[str], source: str | None, formats: tuple[CsvFormat, ...]) -> CsvFormat:
    columns = set(header)

    def missing(form: CsvFormat) -> list[str]:
        lacking = [c for c in form.required if c not in columns]
        if form.one_of and not set(form.one_of) & columns:
            lacking.append(form.one_of[0])
        return lacking

    if source is None:
        for form in formats:
            if not missing(form):
                return form
        examples = ", ".join(f"{SOURCE_LABELS[f.name]}'s \"{f.header}\"" for f in formats)
        apps = ", ".join(SOURCE_LABELS[f.name] for f in formats[:-1]) + f" or {SOURCE_LABELS[formats[-1].name]}"
        raise FileError(f"This file does not look like a {apps} export: its first line should name "
                        f"the columns, like {examples}.", line=1)
    form = next(f for f in formats if f.name == source)
    if lacking := missing(form):
        raise FileError(
            f"This is not a {SOURCE_LABELS[source]} export: it has no "
            f"{', '.join(lacking)} column{'s' if len(lacking) > 1 else ''}.", line=1)
    return form


def _out_of_range(row: Row, latest: datetime) -> str | None:
    """Why the row's date cannot be imported, or None."""
    if row.local_start < EARLIEST:
        return (f"the workout on {row.local_start.date().isoformat()} is before {EARLIEST.year}; only "
                f"workouts from {EARLIEST.year} on can be imported.")
    if row.local_start > latest:
        return f"the workout on {row.local_start.isoformat(sep=' ', timespec='minutes')} is in the future."
    return None


def _add(workouts: dict[tuple[datetime, str], FileWorkout], row: Row, line: int) -> None:
    """The row's set added to its workout and exercise (both made on their first row)."""
    name = row.workout_name or DEFAULT_SESSION_NAME
    key = (row.local_start if row.started_at is None else row.started_at.replace(microsecond=0), name)
    workout = workouts.get(key)
    if workout is None:
        workout = workouts[key] = FileWorkout(
            line=line, local_start=row.local_start, name=name, duration_seconds=row.duration_seconds,
            note=row.workout_note, started_at=row.started_at, timezone=row.timezone, intensity=row.intensity)
    workout.note = workout.note or row.workout_note
    entry_key = row.exercise if row.entry_key is None else row.entry_key
    entry = workout.entries.get(entry_key)
    if entry is None:
        entry = workout.entries[entry_key] = row.entry or FileEntry(name=row.exercise)
        entry.superset_label = row.superset
    if row.exercise_note and row.exercise_note not in entry.note.split("\n"):
        # Strong keeps a note per set: every different one is kept, one a line.
        entry.note = "\n".join(filter(None, (entry.note, row.exercise_note)))[:NOTE_LENGTH]
    entry.sets.append(row.set)


def number_supersets(workout: FileWorkout, numbered: bool) -> None:
    """Each entry's superset: the file's own number (`numbered`, Vigor's files) or, for a
    label (Hevy's superset_id), 1, 2, … per workout in the order the groups first appear."""
    numbers: dict[str, int] = {}
    for entry in workout.entries.values():
        if not entry.superset_label:
            continue
        if numbered:
            entry.superset = int(entry.superset_label)
        else:
            entry.superset = numbers.setdefault(entry.superset_label, len(numbers) + 1)


def read_workouts(text: str, source: str | None, weight_unit: str, latest: datetime = datetime.max,
                  formats: tuple[CsvFormat, ...] = (STRONG, HEVY)) -> tuple[str, list[FileWorkout]]:
    """Every row checked, grouped into workouts (oldest first). ``latest``: the latest local
    start a row may have (naive); earlier than EARLIEST or later than that is a row error.
    ``formats``: the CSV formats the file may be in, tried in order when ``source`` is None.
    Raises FileError (its ``line``: the first line at fault)."""
    header, rows = cells.csv_rows(text)
    form = _detect(header, source, formats)
    position = {name: i for i, name in reversed(list(enumerate(header)))}
    workouts: dict[tuple[datetime, str], FileWorkout] = {}
    problems: list[tuple[int, str]] = []
    count = 0
    for line, row_cells in rows:
        if not any(c.strip() for c in row_cells):
            continue  # blank line
        count += 1
        if count > MAX_ROWS:
            raise FileError(f"This file has more than {MAX_ROWS:,} rows. Export a shorter date range and "
                            "import the parts one by one.", line=line)
        if len(row_cells) > len(header) and any(c.strip() for c in row_cells[len(header):]):
            problems.append((line, f"it has {len(row_cells)} columns but the header has {len(header)}."))
        else:
            def cell(name: str, row_cells: list[str] = row_cells) -> str:
                index = position.get(name)
                return row_cells[index] if index is not None and index < len(row_cells) else ""

            try:
                row = form.read_row(cell, weight_unit)
            except RowError as exc:
                problems.append((line, str(exc)))
                row = None
            if row is not None and (wrong := _out_of_range(row, latest)):
                problems.append((line, wrong))
                row = None
            if row is not None and not problems:
                _add(workouts, row, line)
        if len(problems) >= MAX_PROBLEMS_REPORTED:
            break
    if problems:
        more = " (and maybe more)" if len(problems) >= MAX_PROBLEMS_REPORTED else ""
        raise FileError("Nothing was imported. Fix these lines and try again: "
                        + " ".join(f"Line {line}: {words}" for line, words in problems) + more,
                        line=problems[0][0])
    if not workouts:
        raise FileError("This file has no workouts in it.")
    for workout in workouts.values():
        number_supersets(workout, form.numbered_supersets)
    return form.name, sorted(workouts.values(), key=lambda w: (w.local_start, w.name))
