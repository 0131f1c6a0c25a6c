"""Personal records in words, the one home for how each kind of record reads.

Every place that shows a record (the log page's toast, the Progress and home pages, the
coach) words it here, in the person's units (``units``: kg or lb, km or mi):

- `record_label`: what the record is, "Heaviest for reps", "Fastest 5 km", "Longest run".
- `record_amount`: its figure, "100 kg × 5", "24:10", "12.4 km", "4:52 /km".
- `record_line`: both, "Fastest 5 km: 24:10".
- `record_text`: with the exercise, "Running: Fastest 5 km: 24:10"; with ``new=True`` the
  announcement of a record just set, "New record! Running: Fastest 5 km: 24:10".

Values are stored as ``records`` describes them: kilograms, seconds, metres, seconds per km.
A 5 km time is "Fastest 5 km" in miles too (a 5K is a 5K); a pace is per mile for a "lb"
person. The longest distance is named after the activity where the exercise's name says
what it is (a run, a row, a ride, a walk, a swim), else "Longest distance".
"""

from __future__ import annotations

import re

from vigor_app.services.training import records
from vigor_app.services.units import clock_text, distance_text, mass_text, pace_text, weight_text

LABELS = {
    records.WEIGHT_FOR_REPS: "Heaviest for reps",
    records.E1RM: "Best estimated 1-rep max",
    records.SESSION_VOLUME: "Most volume in a session",
    records.LONGEST_HOLD: "Longest hold",
    records.LONGEST_DISTANCE: "Longest distance",
    records.FASTEST_5K: "Fastest 5 km",
    records.BEST_PACE: "Best pace",
}
# Words in an exercise's name and the activity they name, first match wins.
ACTIVITIES = (
    (("run", "running", "jog", "jogging"), "run"),
    (("row", "rowing", "rower"), "row"),
    (("bike", "cycle", "cycling", "spin"), "ride"),
    (("walk", "walking", "hike", "hiking"), "walk"),
    (("swim", "swimming"), "swim"),
)


def activity(exercise_name: str) -> str | None:
    """What a distance exercise is, from its name: "Treadmill run" -> "run", "Rowing machine
    (steady)" -> "row"; None when the name does not say."""
    found = set(re.findall(r"[a-z]+", exercise_name.casefold()))
    return next((noun for names, noun in ACTIVITIES if found.intersection(names)), None)


def record_label(kind: str, exercise_name: str = "") -> str:
    """What a record of `kind` is, for a person: "Fastest 5 km", "Longest run"."""
    if kind == records.LONGEST_DISTANCE:
        noun = activity(exercise_name)
        return f"Longest {noun}" if noun else LABELS[kind]
    return LABELS.get(kind, kind.replace("_", " ").capitalize())


def record_amount(kind: str, value: float, reps: int | None, units: str) -> str:
    """A record's figure in the person's units: "100 kg × 5", "24:10", "12.4 km", "4:52 /km"."""
    if kind == records.WEIGHT_FOR_REPS:
        return f"{weight_text(value, units)} × {reps}" if reps else weight_text(value, units)
    if kind == records.E1RM:
        return weight_text(value, units)
    if kind == records.SESSION_VOLUME:
        return mass_text(value, units)
    if kind == records.LONGEST_HOLD:
        return f"{value:g} s" if value < 60 else clock_text(value)
    if kind == records.LONGEST_DISTANCE:
        return distance_text(value, units)
    if kind == records.FASTEST_5K:
        return clock_text(value)
    if kind == records.BEST_PACE:
        return pace_text(value, records.PACE_METRES, units)
    return f"{value:g}"


def record_line(kind: str, value: float, reps: int | None, units: str, exercise_name: str = "") -> str:
    """"Fastest 5 km: 24:10", "Longest run: 12.4 km", "Best pace: 4:52 /km"."""
    return f"{record_label(kind, exercise_name)}: {record_amount(kind, value, reps, units)}"


def record_text(kind: str, value: float, reps: int | None, units: str, exercise_name: str, *,
                new: bool = False) -> str:
    """A record with its exercise, "Running: Fastest 5 km: 24:10"; announced when `new`,
    "New record! Running: Fastest 5 km: 24:10"."""
    text = f"{exercise_name}: {record_line(kind, value, reps, units, exercise_name)}"
    return f"New record! {text}" if new else text


def new_records_text(hits: list[tuple[str, float, int | None]], units: str, exercise_name: str) -> str:
    """The records one set just set, announced together: "New record! Squat: Heaviest for
    reps: 100 kg × 5; Best estimated 1-rep max: 116.7 kg"; "" when there are none."""
    if not hits:
        return ""
    lines = "; ".join(record_line(kind, value, reps, units, exercise_name) for kind, value, reps in hits)
    return f"New record! {exercise_name}: {lines}"
