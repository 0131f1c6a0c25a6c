"""Set types: the one home for what kinds of set there are and which of them count.

- ``normal``: a working set.
- ``warmup``: a lighter set before the working sets. It is logged and shown, but it never
  counts toward volume, records, e1RM, progression, the "previous" values or streaks.
- ``drop``: a set straight after another at a lower weight; it counts like a working set.
- ``failure``: a set taken to failure; it counts like a working set.

``counted()`` is the SQL condition "a done set that counts", for every query that sums,
ranks or judges what the person lifted. It names the warm-up kind in the SQL text rather than
as a bound value: that is how the partial indexes of counted sets are written
(``models.workout.COUNTED_SQLITE``), and a database only uses a partial index for a query
whose condition matches it.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import and_, literal_column
from sqlalchemy.sql.elements import ColumnElement

from vigor_app.models import WorkoutSet

NORMAL = "normal"
WARMUP = "warmup"
DROP = "drop"
FAILURE = "failure"
KINDS: tuple[str, ...] = (NORMAL, WARMUP, DROP, FAILURE)
LABELS: dict[str, str] = {NORMAL: "Working set", WARMUP: "Warm-up", DROP: "Drop set", FAILURE: "To failure"}
MARKS: dict[str, str] = {NORMAL: "", WARMUP: "W", DROP: "D", FAILURE: "F"}  # as Strong writes them
_WARMUP_IN_SQL: ColumnElement[str] = literal_column(f"'{WARMUP}'")


def counts(kind: str | None) -> bool:
    """Whether a set of this kind counts toward volume, records and progression."""
    return kind != WARMUP


def counted(sets: Any = WorkoutSet) -> ColumnElement[bool]:
    """Done sets that count (not warm-ups), as a condition for a query on ``WorkoutSet`` (or
    on `sets`, an alias of it)."""
    return and_(sets.done, sets.kind != _WARMUP_IN_SQL)


def read_kind(value: object) -> str | None:
    """A kind from what a person, a form or a file sent ("warmup", "W", "dropset"...); None
    when it is not one (an empty value too: a file's blank column is the reader's to read)."""
    text = str(value or "").strip().lower().replace("-", "").replace("_", "").replace(" ", "")
    return _ALIASES.get(text)


_ALIASES = {
    "normal": NORMAL, "working": NORMAL, "workingset": NORMAL, "n": NORMAL,
    "warmup": WARMUP, "w": WARMUP, "warmupset": WARMUP,
    "drop": DROP, "dropset": DROP, "d": DROP,
    "failure": FAILURE, "f": FAILURE, "tofailure": FAILURE, "failureset": FAILURE,
}
