"""Units of weight: the one home for kilograms and pounds.

Everything is stored in kilograms; a person sees and types their own unit (`kg` or `lb`, from
their profile). Conversions, the way a weight is written for a person, and reading a typed
weight all live here.
"""

from __future__ import annotations

KG = "kg"
LB = "lb"
UNITS = (KG, LB)
KG_PER_LB = 0.45359237  # exact, by definition of the international pound


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
