"""Warm-up ramps for a day's main barbell and dumbbell lifts.

The plan stores the ramp as steps of a percentage of the working weight and reps
(``warmup_sets`` on the item, ``ramp_steps``); the weights follow once a working weight is
known (``ramp``), rounded down to what can be loaded:

- barbell: the empty bar (``BAR_KG``, 20 kg) for 10, then ~40 % × 5, ~60 % × 3, ~80 % × 2;
  each weight rounded down to the bar plus pairs of the smallest plate (1.25 kg a side, so
  2.5 kg steps), or 45 lb and 5 lb steps for someone who lifts in pounds;
- dumbbells: ~40 % × 8, ~60 % × 5, ~80 % × 3, rounded down to 2 kg (5 lb) dumbbells.

Fewer reps as the weight rises keep the ramp from tiring the working sets. A step is left
out when its rounded weight is not lighter than the working weight or repeats the step
before it (a 30 kg working weight ramps bar, 22.5 kg, 22.5 kg... and shows bar, 22.5 kg).

Which lifts get a ramp (``needs_ramp``): counted (not timed) work of a lift pattern, loaded
with a barbell or dumbbells, among the day's first ``soft_limits.MAIN_LIFTS_PER_DAY``
strength items (the main lifts); accessories after them are warm by then.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeGuard

from vigor_app.services.catalogue.exercise import Exercise
from vigor_app.services.plans import soft_limits
from vigor_app.services.units import KG, LB, from_kg, to_kg, weight_text
from vigor_app.services.vocabulary import STRENGTH_PATTERNS

BAR_KG = 20.0
BAR_LB = 45.0
BARBELL_STEPS: tuple[tuple[int, int], ...] = ((0, 10), (40, 5), (60, 3), (80, 2))  # 0 = the empty bar
DUMBBELL_STEPS: tuple[tuple[int, int], ...] = ((40, 8), (60, 5), (80, 3))
ROUNDING: dict[tuple[str, str], float] = {  # (kit, unit) -> the loadable step
    ("barbell", KG): 2.5, ("barbell", LB): 5.0, ("dumbbells", KG): 2.0, ("dumbbells", LB): 5.0,
}


def _kit(exercise: Exercise) -> str | None:
    if "barbell" in exercise.equipment_set:
        return "barbell"
    if "dumbbells" in exercise.equipment_set:
        return "dumbbells"
    return None


def needs_ramp(exercise: Exercise, strength_position: int) -> bool:
    """Whether a lift gets a warm-up ramp (``strength_position``: 0 for the day's first
    strength item, 1 for the second...)."""
    return (strength_position < soft_limits.MAIN_LIFTS_PER_DAY and not exercise.timed
            and exercise.pattern in soft_limits.LIFT_PATTERNS and _kit(exercise) is not None)


def ramp_steps(exercise: Exercise) -> list[dict[str, int]]:
    """The stored ramp for an exercise: ``[{"percent": 0, "reps": 10}, ...]`` (0 = empty bar)."""
    steps = BARBELL_STEPS if _kit(exercise) == "barbell" else DUMBBELL_STEPS
    return [{"percent": percent, "reps": reps} for percent, reps in steps]


def day_ramps(items: Sequence[Mapping[str, Any]], exercises: Sequence[Exercise]) -> list[list[dict[str, int]]]:
    """The ramp for each item of a day's main part (empty for the items that need none)."""
    ramps, position = [], 0
    for exercise in exercises:
        ramps.append(ramp_steps(exercise) if needs_ramp(exercise, position) else [])
        position += exercise.pattern in STRENGTH_PATTERNS
    return ramps


MAX_STEPS = 6


def steps_problem(steps: Any) -> str | None:
    """What is wrong with a stored ramp (a plan's ``warmup_sets``), or None: a list of at most
    ``MAX_STEPS`` steps of rising percentages (0-90) and 1-15 reps."""
    if not isinstance(steps, list) or len(steps) > MAX_STEPS:
        return f"warmup_sets must be a list of at most {MAX_STEPS} steps"
    last = -1
    for step in steps:
        percent = step.get("percent") if isinstance(step, Mapping) else None
        reps = step.get("reps") if isinstance(step, Mapping) else None
        if not (_whole(percent) and last < percent <= 90 and _whole(reps) and 1 <= reps <= 15):
            return "warmup_sets steps need rising percentages (0-90) and 1-15 reps"
        last = percent
    return None


def _whole(value: Any) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool)


@dataclass(frozen=True)
class WarmupSet:
    weight_kg: float | None  # None: the percentage is shown, no working weight is known yet
    reps: int
    percent: int
    empty_bar: bool = False


def ramp(steps: Sequence[Mapping[str, Any]], working_kg: float | None, kit: str, unit: str = KG,
         bar_kg: float | None = None) -> list[WarmupSet]:
    """The ramp's sets for a working weight, rounded down to loadable weights in ``unit``
    (on the person's own bar when `bar_kg` is given)."""
    bar = bar_kg if bar_kg is not None else (to_kg(BAR_LB, LB) if unit == LB else BAR_KG)
    sets: list[WarmupSet] = []
    for step in steps:
        percent, reps = int(step.get("percent", 0)), int(step.get("reps", 0))
        empty_bar = percent == 0 and kit == "barbell"
        if working_kg is None or working_kg <= 0:
            sets.append(WarmupSet(bar if empty_bar else None, reps, percent, empty_bar))
            continue
        if empty_bar:
            weight = bar
        else:
            rounding = ROUNDING[(kit, unit)]
            # (the small tolerance keeps an exactly loadable weight that lb <-> kg turned into
            # 149.99999999999997 lb from losing a whole step)
            loadable = math.floor(from_kg(working_kg * percent / 100, unit) / rounding + 1e-9)
            weight = to_kg(loadable * rounding, unit)
            if kit == "barbell":
                weight = max(weight, bar)
        if weight <= 0 or weight >= working_kg - 1e-6:
            continue
        if sets and sets[-1].weight_kg is not None and abs(sets[-1].weight_kg - weight) < 1e-6:
            continue
        sets.append(WarmupSet(weight, reps, percent, empty_bar))
    return sets


def ramp_text(steps: Sequence[Mapping[str, Any]], working_kg: float | None, kit: str, unit: str = KG) -> str:
    """"Warm-up: bar × 10, 40 kg × 5, 60 kg × 3, 80 kg × 2", or in percentages of the working
    weight while none is known; "" when the lift has no ramp."""
    sets = ramp(steps, working_kg, kit, unit)
    if not sets:
        return ""
    parts = []
    for one in sets:
        if one.empty_bar:
            parts.append(f"bar × {one.reps}")
        elif one.weight_kg is None:
            parts.append(f"~{one.percent} % × {one.reps}")
        else:
            parts.append(f"{weight_text(one.weight_kg, unit)} × {one.reps}")
    known = "" if working_kg else " of your working weight"
    return f"Warm-up: {', '.join(parts)}{known}"


def kit_of(exercise: Exercise) -> str:
    """The kit a ramp is rounded for ("barbell" or "dumbbells"; barbell when neither)."""
    return _kit(exercise) or "barbell"
