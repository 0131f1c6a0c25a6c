"""What an export file holds, read without writing anything.

`read_file` reads any file the importer takes: a Strong, Hevy or Vigor CSV, or Vigor's JSON
(told by its first character and its header). `check_file` sums one up for scripts,
``python -m vigor_app import-check FILE [--units kg|lb]`` (docs/import-formats.md).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from vigor_app.clock import utcnow
from vigor_app.services.errors import FileError
from vigor_app.services.training import set_kinds
from vigor_app.services.your_data.file_cells import decode, latest_local
from vigor_app.services.your_data.import_files import (
    HEVY,
    SOURCE_LABELS,
    STRONG,
    FileWorkout,
    read_workouts,
)
from vigor_app.services.your_data.vigor_files import (
    VIGOR_CSV,
    FileConversation,
    read_json,
    settle_positions,
)

FORMATS = ("strong", "hevy", "vigor-csv", "vigor-json")


@dataclass
class FileContents:
    format: str  # one of FORMATS
    source: str  # the app that wrote it: strong, hevy or vigor
    workouts: list[FileWorkout]  # oldest first
    conversations: list[FileConversation]


def read_file(data: str | bytes, source: str | None = None, weight_unit: str = "kg",
              now: datetime | None = None) -> FileContents:
    """The workouts (and, from Vigor's JSON, coach conversations) of a file, every value
    checked. ``source``: the app the file must come from (None: told by the file);
    ``weight_unit``: the unit of weights (and, with it, distances) a file does not name.
    Raises FileError naming the line at fault."""
    text = decode(data)
    now = now or utcnow()
    if text.lstrip().startswith(("{", "[")):
        if source not in (None, "vigor"):
            raise FileError(f"This is a JSON file; {SOURCE_LABELS.get(source, 'that app')}'s exports are CSV.")
        workouts, conversations = read_json(text, now)
        return FileContents("vigor-json", "vigor", workouts, conversations)
    found, workouts = read_workouts(text, source, weight_unit, latest_local(now), (STRONG, HEVY, VIGOR_CSV))
    settle_positions(workouts)
    return FileContents("vigor-csv" if found == "vigor" else found, found, workouts, [])


def session_minutes(workout: FileWorkout) -> float | None:
    """How long the workout lasted, in minutes to one place; None when the file does not say."""
    seconds: float | None = workout.duration_seconds
    if seconds is None and workout.ended_at is not None and workout.started_at is not None:
        seconds = (workout.ended_at - workout.started_at).total_seconds()
    return None if seconds is None else round(seconds / 60, 1)


def check_file(data: str | bytes, units: str = "kg", now: datetime | None = None) -> dict[str, Any]:
    """A file's summary as `import-check` prints it: its format, sessions, sets (warm-ups and
    cardio included), warm-up sets, working volume (weight × reps of the done sets that are
    not warm-ups, kg), total distance (metres) and each session's minutes in file order.
    ``units``: the unit of the file's weights when it does not say. Raises FileError."""
    contents = read_file(data, None, units, now)
    sets = [s for w in contents.workouts for e in w.entries.values() for s in e.sets]
    volume = sum((s.weight_kg * s.reps for s in sets
                  if s.done and set_kinds.counts(s.kind) and s.weight_kg and s.reps), 0.0)
    return {
        "format": contents.format,
        "sessions": len(contents.workouts),
        "sets": len(sets),
        "warmup_sets": sum(1 for s in sets if s.kind == set_kinds.WARMUP),
        "working_volume_kg": round(volume, 1),
        "distance_m": round(sum((s.distance_m or 0.0 for s in sets), 0.0), 1),
        "session_minutes": [session_minutes(w) for w in sorted(contents.workouts, key=lambda w: w.line)],
        "conversations": len(contents.conversations),
    }
