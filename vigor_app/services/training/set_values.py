"""The rules for a set's numbers, shared by the workout logger and the CSV importer: the
limits (reps, seconds, weight, RPE and its step) and reading a number against them.

`read_value` reads a number (typed text such as "82,5", or a number) and says what is wrong
with it as a `NumberProblem`; each caller words the problem its own way. `field_number` and
`check_set_values` are the logger's wording (a `ValidationError` naming the form field); the
importer words them with the file's line and cell (`your_data.import_files`).
"""

from __future__ import annotations

import math
from typing import Literal, overload

from vigor_app.services.errors import ValidationError
from vigor_app.services.units import (
    KG,
    LB,
    distance_unit,
    from_kg,
    from_metres,
    read_number,
    to_kg,
    to_metres,
)

MAX_REPS = 200
MAX_SECONDS = 4 * 3600
MAX_WEIGHT_KG = 700.0
MAX_DISTANCE_M = 500_000.0  # 500 km: an ultra, a long ride
RPE_LOW = 1
RPE_HIGH = 10
RPE_STEP = 0.5

# What a NumberProblem says is wrong.
NOT_A_NUMBER = "not a number"
NOT_WHOLE = "not a whole number"
OUT_OF_RANGE = "out of range"
OFF_STEP = "off the step"


class NumberProblem(ValueError):
    """Why a value is not an acceptable number: `kind` is one of the four above; `number` is
    the value read (None when it is not a number)."""

    def __init__(self, kind: str, number: float | None = None) -> None:
        super().__init__(kind)
        self.kind = kind
        self.number = number


def read_value(value: object, *, low: float, high: float, integer: bool,
               step: float | None = None) -> float | None:
    """The number in `value`, None when it is blank. Raises `NumberProblem` when it is not a
    finite number, not whole (`integer`), outside `low`-`high` or off `step`, checked in
    that order."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        number = read_number(value)
    except ValueError:
        raise NumberProblem(NOT_A_NUMBER) from None
    if not math.isfinite(number):
        raise NumberProblem(NOT_A_NUMBER)
    if integer and number != int(number):
        raise NumberProblem(NOT_WHOLE, number)
    if not low <= number <= high:
        raise NumberProblem(OUT_OF_RANGE, number)
    if step and abs(number / step - round(number / step)) > 1e-9:
        raise NumberProblem(OFF_STEP, number)
    return number


@overload
def field_number(value: object, name: str, field_name: str, *, low: float, high: float,
                 integer: Literal[True], step: float | None = None) -> int | None: ...


@overload
def field_number(value: object, name: str, field_name: str, *, low: float, high: float,
                 integer: Literal[False], step: float | None = None) -> float | None: ...


def field_number(value: object, name: str, field_name: str, *, low: float, high: float, integer: bool,
                 step: float | None = None) -> float | int | None:
    """`read_value` for a form field: an int when `integer`, else rounded to 2 places; a
    problem is a `ValidationError` on `field_name` that names the field as `name`."""
    try:
        number = read_value(value, low=low, high=high, integer=integer, step=step)
    except NumberProblem as problem:
        message = {
            NOT_A_NUMBER: f"{name} must be a number.",
            NOT_WHOLE: f"{name} must be a whole number.",
            OUT_OF_RANGE: f"{name} must be between {low:g} and {high:g}.",
            OFF_STEP: f"{name} goes in steps of {step or 0:g}.",
        }[problem.kind]
        raise ValidationError(message, field=field_name) from None
    if number is None:
        return None
    return int(number) if integer else round(number, 2)


def typed_weight_limit(unit: str) -> int:
    """The heaviest weight a person may type in `unit` (MAX_WEIGHT_KG, rounded in that unit)."""
    return round(from_kg(MAX_WEIGHT_KG, unit))


def check_set_values(reps, seconds, weight, rpe, weight_unit: str = KG,
                     ) -> tuple[int | None, int | None, float | None, float | None]:
    """Person-fit errors for impossible numbers (negative reps, 2,000 kg, RPE 14, text); the
    weight is read in `weight_unit` and returned in kilograms."""
    unit = LB if weight_unit == LB else KG
    typed = field_number(weight, "Weight", "weight", low=0, high=typed_weight_limit(unit), integer=False)
    return (
        field_number(reps, "Reps", "reps", low=0, high=MAX_REPS, integer=True),
        field_number(seconds, "Seconds", "seconds", low=0, high=MAX_SECONDS, integer=True),
        None if typed is None else round(to_kg(typed, unit), 2),
        field_number(rpe, "RPE", "rpe", low=RPE_LOW, high=RPE_HIGH, integer=False, step=RPE_STEP),
    )


def check_distance(distance: object, unit: str) -> float | None:
    """A typed distance in the person's km or mi (`unit` may be their weight unit), in metres
    to the nearest metre; None when blank."""
    limit = round(from_metres(MAX_DISTANCE_M, unit))
    typed = field_number(distance, f"Distance ({distance_unit(unit)})", "distance", low=0, high=limit,
                         integer=False)
    return None if typed is None else round(to_metres(typed, unit))


def check_clock(value: object, *, plain_minutes: bool) -> int | None:
    """A typed duration in seconds: "25:30" (minutes:seconds), "1:02:03", or a plain number,
    read as minutes when `plain_minutes` (a run's time) else as seconds (a plank); None when
    blank. At most MAX_SECONDS."""
    text = str(value).strip() if isinstance(value, (str, int, float)) and not isinstance(value, bool) else None
    if value is None or text == "":
        return None
    parts = text.split(":") if text is not None else []
    problem = ValidationError("Time is minutes:seconds, like 25:30." if plain_minutes
                              else "Seconds must be a number.", field="seconds")
    if not parts or len(parts) > 3 or not all(p.strip().isdigit() for p in parts[1:]):
        raise problem
    try:
        head = read_number(parts[0]) if parts[0].strip() else 0.0
    except ValueError:
        raise problem from None
    if not math.isfinite(head) or head < 0 or any(int(p) >= 60 for p in parts[1:]):
        raise problem
    if len(parts) == 1:
        seconds = head * 60 if plain_minutes else head
    else:
        seconds = head * (3600 if len(parts) == 3 else 60) + sum(
            int(p) * (60 if len(parts) == 3 and i == 0 else 1) for i, p in enumerate(parts[1:]))
    if seconds > MAX_SECONDS:
        raise ValidationError(f"A set lasts at most {MAX_SECONDS // 3600} hours.", field="seconds")
    return int(round(seconds))
