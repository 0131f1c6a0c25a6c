"""How the coach writes facts for a person: lists of words, sets, records and days.

Weights are in the person's units (``units.weight_text``); the coach's modules and the
"What the coach knows" block share these so a set or a record reads the same everywhere.
"""

from __future__ import annotations

from datetime import date

from vigor_app.services.training import records
from vigor_app.services.training.record_words import record_amount, record_label
from vigor_app.services.training.set_lines import amount_text
from vigor_app.services.units import mass_text, weight_text


def words(values: list[str] | tuple[str, ...]) -> str:
    """["muscle_gain", "strength"] -> "muscle gain, strength"; "none" when empty."""
    return ", ".join(str(v).replace("_", " ") for v in values) or "none"


def set_text(weight_kg: float | None, reps: int | None, seconds: int | None, units: str,
             distance_m: float | None = None) -> str:
    """One set for a person: "100 kg × 5", "12 reps", "45 s", "20 kg × 40 s" or "5 km · 25:30 ·
    5:06 /km" (``set_lines.amount_text``, as the log and History write it)."""
    return amount_text(reps=reps, seconds=seconds, weight_kg=weight_kg if weight_kg and weight_kg > 0 else None,
                       distance_m=distance_m, unit=units)


def record_value_text(kind: str, value: float, reps: int | None, units: str, exercise_name: str = "") -> str:
    """What a record is, in words: "estimated 1-rep max 116.7 kg", "100 kg × 5", "longest hold 45 s",
    "fastest 5 km 24:10", "longest run 12.4 km", "best pace 4:52 /km"... (the figures as
    ``record_words`` writes them everywhere)."""
    if kind == records.E1RM:
        return f"estimated 1-rep max {weight_text(value, units)}"
    if kind == records.WEIGHT_FOR_REPS:
        return f"{weight_text(value, units)} × {reps}" if reps else weight_text(value, units)
    if kind == records.SESSION_VOLUME:
        return f"session volume {mass_text(value, units)}"
    if kind in records.KINDS:
        return f"{record_label(kind, exercise_name).lower()} {record_amount(kind, value, reps, units)}"
    return f"{kind.replace('_', ' ')} {value:g}"


def record_previous_text(kind: str, previous: float | None, units: str) -> str:
    if previous is None:
        return ""
    if kind in (records.E1RM, records.WEIGHT_FOR_REPS):
        return weight_text(previous, units)
    return record_amount(kind, previous, None, units)


def day_text(iso_day: str) -> str:
    """"2026-11-16" -> "Mon 16 Nov"."""
    day = date.fromisoformat(iso_day)
    return f"{day.strftime('%a')} {day.day} {day.strftime('%b')}"
