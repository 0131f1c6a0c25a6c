"""Units: the one home for kilograms and pounds, kilometres and miles.

Weights are stored in kilograms and distances in metres; a person sees and types their own
unit (`kg` or `lb`, from their profile; a `lb` person runs in miles, a `kg` person in
kilometres). Conversions, the way a weight, a distance or a pace is written for a person, and
reading a typed number all live here.
"""

from __future__ import annotations

KG = "kg"
LB = "lb"
UNITS = (KG, LB)
KG_PER_LB = 0.45359237  # exact, by definition of the international pound
KM = "km"
MI = "mi"
METRES_PER = {KM: 1000.0, MI: 1609.344}  # the international mile, exact


def to_kg(value: float, unit: str) -> float:
    """`value` in `unit` as kilograms."""
    return value * KG_PER_LB if unit == LB else value


def from_kg(weight_kg: float, unit: str) -> float:
    """`weight_kg` in `unit`."""
    return weight_kg / KG_PER_LB if unit == LB else weight_kg


def read_number(text: object) -> float:
    """A number as a person types it ("82.5", "82,5", " 80 "); ValueError when it is not one."""
    if isinstance(text, bool):
        raise ValueError("not a number")
    return float(str(text).strip().replace(",", "."))


def entry_number(weight_kg: float | None, unit: str) -> str:
    """A stored weight for an input box, in `unit` to the nearest half ("82.5"); "" when none."""
    if weight_kg is None:
        return ""
    return f"{round(from_kg(weight_kg, unit) * 2) / 2:g}"


def weight_text(weight_kg: float | None, unit: str) -> str:
    """A weight for a person: "62.5 kg" or "137.5 lb" (to the nearest half pound)."""
    if weight_kg is None:
        return "bodyweight"
    if unit == LB:
        return f"{round(from_kg(weight_kg, LB) * 2) / 2:g} lb"
    return f"{round(weight_kg, 2):g} kg"


def mass_text(weight_kg: float, unit: str) -> str:
    """A total mass (volume) in whole units: "1,500 kg" or "3,307 lb"."""
    return f"{round(from_kg(weight_kg, unit)):,} {LB if unit == LB else KG}"


def one_decimal(weight_kg: float | None, unit: str) -> float | None:
    """A weight for a chart or a table: `unit`, one decimal."""
    return None if weight_kg is None else round(from_kg(weight_kg, unit), 1)


def distance_unit(unit: str) -> str:
    """The distance unit that goes with a person's weight unit: miles for pounds, else km."""
    return MI if unit in (LB, MI) else KM


def to_metres(value: float, unit: str) -> float:
    """`value` kilometres or miles (`unit` may be the person's weight unit) in metres."""
    return value * METRES_PER[distance_unit(unit)]


def from_metres(metres: float, unit: str) -> float:
    """`metres` in kilometres or miles."""
    return metres / METRES_PER[distance_unit(unit)]


def entry_distance(metres: float | None, unit: str) -> str:
    """A stored distance for an input box, in km or mi to two places ("5.2"); "" when none."""
    if metres is None:
        return ""
    return f"{round(from_metres(metres, unit), 2):g}"


def distance_text(metres: float | None, unit: str) -> str:
    """A distance for a person: "5.2 km" or "3.23 mi"; "" when none."""
    if metres is None:
        return ""
    return f"{entry_distance(metres, unit)} {distance_unit(unit)}"


def clock_text(seconds: float | None) -> str:
    """A duration as a clock reads it: "25:30", "1:02:03"; "" when none."""
    if seconds is None:
        return ""
    whole = int(round(seconds))
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def pace_seconds(seconds: float, metres: float, unit: str) -> float | None:
    """Seconds per kilometre or mile; None without a distance or a time."""
    if not seconds or not metres or metres <= 0 or seconds <= 0:
        return None
    return seconds / from_metres(metres, unit)


def pace_text(seconds: float | None, metres: float | None, unit: str) -> str:
    """A pace for a person: "5:12 /km" or "8:22 /mi"; "" without a distance or a time."""
    pace = pace_seconds(seconds or 0, metres or 0, unit)
    return "" if pace is None else f"{clock_text(pace)} /{distance_unit(unit)}"
