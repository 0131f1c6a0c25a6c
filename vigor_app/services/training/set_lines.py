"""A logged set written the way a lifter reads it, in the person's units.

- a set with a weight: "60 kg × 8"; without one: "8 reps";
- a timed set: "45 s", "90 s", then as a clock from two minutes ("2:30", "20:00"), "20 kg × 45 s"
  with a weight;
- a run or a row: "5 km · 25:30 · 5:06 /km" (what of it was logged);
- its type first, as Strong marks it: "W 40 kg × 10" (warm-up), "D …" (drop), "F …" (failure);
- the RPE last when it was logged: "60 kg × 8 @ 8".
"""

from __future__ import annotations

from vigor_app.services.counts import plural
from vigor_app.services.training import set_kinds
from vigor_app.services.training.workout_views import SetView
from vigor_app.services.units import clock_text, distance_text, pace_text, weight_text

CLOCK_FROM = 120  # seconds: a hold of 90 s reads "90 s", a longer effort "2:30"


def time_text(seconds: int | float) -> str:
    """A set's time: "45 s", "90 s", then as a clock reads it from two minutes ("2:30", "25:30")."""
    return f"{int(round(seconds))} s" if seconds < CLOCK_FROM else clock_text(seconds)


def amount_text(*, reps: int | None, seconds: int | None, weight_kg: float | None,
                distance_m: float | None, unit: str) -> str:
    """What was done, without the set's type or RPE: "60 kg × 8", "45 s", "5 km · 25:30 · 5:06 /km"."""
    loaded = weight_kg is not None and weight_kg != 0
    if distance_m:
        parts = [distance_text(distance_m, unit)]
        if seconds:
            parts += [clock_text(seconds), pace_text(seconds, distance_m, unit)]
        return " · ".join(p for p in parts if p)
    if seconds and not reps:
        return f"{weight_text(weight_kg, unit)} × {time_text(seconds)}" if loaded else time_text(seconds)
    if reps:
        return f"{weight_text(weight_kg, unit)} × {reps}" if loaded else f"{plural(reps, 'rep')}"
    if loaded:
        return weight_text(weight_kg, unit)
    return "done"


def set_text(logged: SetView, unit: str) -> str:
    """One set: "W 40 kg × 10", "60 kg × 8 @ 8", "F 12 reps", "5 km · 25:30 · 5:06 /km"."""
    mark = set_kinds.MARKS.get(logged.kind, "")
    amount = amount_text(reps=logged.reps, seconds=logged.seconds, weight_kg=logged.weight_kg,
                         distance_m=logged.distance_m, unit=unit)
    rpe = f"@ {logged.rpe:g}" if logged.rpe else ""
    return " ".join(p for p in (mark, amount, rpe) if p)
