"""What an export file holds, read without writing anything.

`read_file` reads any file the importer takes: a Strong, Hevy or Vigor CSV, or Vigor's JSON
(told by its first character and its header).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from vigor_app.clock import utcnow
from vigor_app.services.errors import FileError
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
