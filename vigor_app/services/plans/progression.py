"""Progression rules: what to do next time, given what was logged this time.

Rules (one per planned exercise, named in the plan's ``progression`` field):

- ``double_progression`` (rep ranges with load, e.g. "8-12"): when every set is done at the
  top of the range at or below the target RPE, add the smallest load step and go back to
  the bottom of the range; when every set reaches at least the bottom, add a rep; else hold.
- ``load_step`` (fixed low reps for strength, e.g. "5"): when every set reaches the reps at
  or below the target RPE, add the smallest load step; otherwise hold.
- ``time_step`` (timed holds, e.g. "30s"): when every set lasts the target time at or below
  the target RPE, add ``TIME_STEP_SECONDS`` (up to the exercise's longest time).
- ``rep_step`` (bodyweight and bands, where load cannot be added in small steps): when every
  set reaches the target at or below the target RPE, add a rep (up to the top of the range,
  after which the harder variation is the way on).

"Stalled for three sessions" (``stalled`` / ``suggest_from_history``): three sessions in a
row that each ended in "hold" call for a deload - about 10 % less load, rounded down to a
load step, back at the bottom of the range (bodyweight: fewer reps or the easier variation).

Logged sets are plain dicts: ``reps`` (int), ``weight_kg`` (number or None), ``rpe``
(number or None; None counts as on target), ``done`` (bool, default True), and for timed
sets ``seconds`` (falls back to ``reps``). All functions are pure.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from vigor_app.services.catalogue.exercise import Exercise
from vigor_app.services.plans.timing import Reps, parse_reps

Action = Literal["increase_load", "increase_reps", "hold", "deload"]

# The smallest sensible load jump per kind of equipment, in kilograms.
LOAD_STEP_KG: dict[str, float] = {
    "barbell": 2.5,
    "dumbbells": 2.0,
    "kettlebells": 4.0,
    "cable_machine": 2.5,
    "machines": 5.0,
}
LOADABLE = frozenset(LOAD_STEP_KG)
TIME_STEP_SECONDS = 5
DELOAD_FACTOR = 0.9
STALL_SESSIONS = 3


def load_step_kg(equipment: Iterable[str]) -> float:
    """The load step of the heaviest-stepping piece in use (0 when nothing is loadable)."""
    steps = [LOAD_STEP_KG[e] for e in equipment if e in LOAD_STEP_KG]
    return max(steps) if steps else 0.0


def rule_for(exercise: Exercise, reps: Reps) -> str:
    """The progression rule the engine attaches to an exercise prescribed with ``reps``."""
    if exercise.timed or reps.timed:
        return "time_step"
    if not (exercise.equipment_set & LOADABLE):
        return "rep_step"
    return "load_step" if reps.low == reps.high else "double_progression"


@dataclass(frozen=True)
class Target:
    """What was prescribed: reps text ("8-12", "5", "30s"), effort, load and its step."""

    reps: str
    rpe: float = 8.0
    weight_kg: float | None = None
    load_step_kg: float = 2.5
    max_seconds: int | None = None


@dataclass(frozen=True)
class Suggestion:
    action: Action
    weight_kg: float | None
    reps: str
    message: str


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float) or math.isnan(value):
        return None
    return float(value)


def _done_sets(logged_sets: Sequence[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    return [s for s in logged_sets if s.get("done", True) is not False]


def _amount(logged: Mapping[str, Any], timed: bool) -> float:
    value = _number(logged.get("seconds")) if timed else None
    if value is None:
        value = _number(logged.get("reps"))
    return value or 0.0


def _on_effort(logged: Mapping[str, Any], target_rpe: float) -> bool:
    rpe = _number(logged.get("rpe"))
    return rpe is None or rpe <= target_rpe


def _round_down(weight: float, step: float) -> float:
    if step <= 0:
        return round(weight, 2)
    return round(math.floor(weight / step + 1e-9) * step, 2)


def _all_reached(sets: list[Mapping[str, Any]], goal: float, planned: int, timed: bool) -> bool:
    return len(sets) >= planned and all(_amount(s, timed) >= goal for s in sets)


def suggest_next(rule: str, target: Target, logged_sets: Sequence[Mapping[str, Any]]) -> Suggestion:
    """The next session's target for one exercise, from this session's logged sets.

    ``len(logged_sets)`` is the number of planned sets; sets marked ``done: False`` count
    as missed, so they hold progress back.
    """
    reps = parse_reps(target.reps)
    if reps is None:
        raise ValueError(f"target reps {target.reps!r} is not a count, range or seconds")
    planned = len(logged_sets)
    done = _done_sets(logged_sets)
    weight = target.weight_kg
    if planned == 0:
        return Suggestion("hold", weight, str(reps), "Nothing logged yet: repeat the same target.")
    effort_ok = all(_on_effort(s, target.rpe) for s in done)
    completed = len(done) == planned

    if rule == "time_step":
        if completed and effort_ok and _all_reached(done, reps.low, planned, timed=True):
            longest = target.max_seconds or reps.low + TIME_STEP_SECONDS
            seconds = min(reps.low + TIME_STEP_SECONDS, longest)
            if seconds > reps.low:
                return Suggestion(
                    "increase_reps",
                    weight,
                    f"{seconds}s",
                    f"Every hold reached {reps.low}s: go for {seconds}s.",
                )
            return Suggestion(
                "hold", weight, str(reps), "At the longest hold: try the harder variation."
            )
        return Suggestion(
            "hold", weight, str(reps), f"Keep {reps.low}s until every hold is complete."
        )

    if rule == "load_step":
        if completed and effort_ok and _all_reached(done, reps.high, planned, timed=False):
            new_weight = (weight or 0.0) + target.load_step_kg
            return Suggestion(
                "increase_load",
                round(new_weight, 2),
                str(reps),
                f"All sets of {reps.high} done: add {target.load_step_kg:g} kg.",
            )
        return Suggestion(
            "hold", weight, str(reps), "Repeat this load until every set is complete."
        )

    if rule == "double_progression":
        at_top = completed and _all_reached(done, reps.high, planned, timed=False)
        if at_top and effort_ok:
            new_weight = (weight or 0.0) + target.load_step_kg
            return Suggestion(
                "increase_load",
                round(new_weight, 2),
                str(reps.low),
                f"Top of the range on every set: add {target.load_step_kg:g} kg and restart at {reps.low} reps.",
            )
        if at_top:
            return Suggestion(
                "hold",
                weight,
                str(reps.high),
                "Top of the range but harder than planned: repeat this load.",
            )
        if completed and _all_reached(done, reps.low, planned, timed=False):
            fewest = int(min(_amount(s, False) for s in done))
            aim = min(reps.high, max(reps.low, fewest + 1))
            return Suggestion(
                "increase_reps", weight, str(aim), f"Same load: aim for {aim} reps on every set."
            )
        return Suggestion(
            "hold", weight, str(reps), "Stay at this load until every set reaches the range."
        )

    if rule == "rep_step":
        goal = reps.low
        if completed and effort_ok and _all_reached(done, goal, planned, timed=False):
            aim = goal + 1
            if reps.high > reps.low:
                aim = min(aim, reps.high)
            if aim > goal:
                return Suggestion(
                    "increase_reps", weight, str(aim), f"Every set reached {goal}: aim for {aim}."
                )
            return Suggestion(
                "hold", weight, str(reps), "Top of the range: move to the harder variation."
            )
        return Suggestion(
            "hold", weight, str(reps), f"Keep working towards {goal} reps on every set."
        )

    raise ValueError(f"unknown progression rule {rule!r}")


def deload(rule: str, target: Target) -> Suggestion:
    """A lighter restart after a stall: ~10 % off the load, bottom of the range."""
    reps = parse_reps(target.reps)
    if reps is None:
        raise ValueError(f"target reps {target.reps!r} is not a count, range or seconds")
    if rule == "time_step":
        seconds = max(5, round(reps.low * DELOAD_FACTOR / 5) * 5)
        return Suggestion(
            "deload",
            target.weight_kg,
            f"{seconds}s",
            "Stalled three times: shorten the hold and rebuild.",
        )
    if target.weight_kg:
        lighter = _round_down(target.weight_kg * DELOAD_FACTOR, target.load_step_kg)
        return Suggestion(
            "deload",
            lighter,
            str(reps.low),
            f"Stalled three sessions: drop to {lighter:g} kg and build back up from {reps.low} reps.",
        )
    fewer = max(1, math.floor(reps.low * DELOAD_FACTOR))
    return Suggestion(
        "deload",
        target.weight_kg,
        str(fewer),
        "Stalled three sessions: fewer reps or the easier variation.",
    )


def stalled(rule: str, target: Target, sessions: Sequence[Sequence[Mapping[str, Any]]]) -> bool:
    """True when each of the last three sessions would have ended in "hold"."""
    if len(sessions) < STALL_SESSIONS:
        return False
    return all(
        suggest_next(rule, target, session).action == "hold"
        for session in sessions[-STALL_SESSIONS:]
    )


def suggest_from_history(
    rule: str, target: Target, sessions: Sequence[Sequence[Mapping[str, Any]]]
) -> Suggestion:
    """Deload after a three-session stall; otherwise judge the latest session."""
    if stalled(rule, target, sessions):
        return deload(rule, target)
    latest = sessions[-1] if sessions else []
    return suggest_next(rule, target, latest)
