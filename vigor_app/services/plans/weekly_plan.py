"""The weekly plan the engine returns: plain dataclasses whose ``to_dict`` is the stored JSON.

Schema (also what an LLM must produce, and what ``validation.validate_plan`` reads)::

    {"engine": "builtin", "seed": 0, "split": "full_body", "inputs": {...},
     "days": [{"name": "Day 1 — Full body A", "weekday": "mon", "focus": "...",
               "estimated_minutes": 45,
               "warmup":    [{"exercise_id", "name", "sets", "reps"}],
               "exercises": [{"exercise_id", "name", "sets", "reps", "rest_seconds", "rpe",
                              "reason", "easier", "harder", "progression",
                              "warmup_sets": [{"percent", "reps"}]}],
               "cooldown":  [{"exercise_id", "name", "sets", "reps"}]}],
     "rest_days": ["tue", ...],
     "weeks": [{"week": 1, "deload": false,
                "days": [{"estimated_minutes": 45,
                          "exercises": [{"exercise_id", "sets", "reps", "rpe", "note"}]}]}],
     "notes": [{"kind": "time" | "injury", "text", ...}]}

``reps`` is a count ("10"), a range ("8-12") or seconds ("30s"); unilateral exercises
are per side. ``easier``/``harder`` are catalogue ids or null.

``days`` are the block's first week; ``weeks`` hold every week of the block, day by day and
item by item in the same order (``block``); ``warmup_sets`` is the warm-up ramp of a main
barbell or dumbbell lift, as percentages of the working weight (0: the empty bar) - empty for
other items (``warmups``); ``notes`` say which goal a short week favoured and which muscles
an injury took out (``plan_notes``). An LLM writes only the days: the rest is derived from
them (``block.with_block``).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any


@dataclass(frozen=True)
class DrillItem:
    """A warm-up or cool-down drill: no rest, no effort target."""

    exercise_id: str
    name: str
    sets: int
    reps: str

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class PlanItem:
    """One exercise of a session's main part."""

    exercise_id: str
    name: str
    sets: int
    reps: str
    rest_seconds: int
    rpe: float
    reason: str
    easier: str | None
    harder: str | None
    progression: str
    warmup_sets: tuple[dict[str, int], ...] = ()

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["warmup_sets"] = [dict(step) for step in self.warmup_sets]
        return out


@dataclass(frozen=True)
class PlanDay:
    name: str
    weekday: str | None
    focus: str
    estimated_minutes: int
    warmup: tuple[DrillItem, ...]
    exercises: tuple[PlanItem, ...]
    cooldown: tuple[DrillItem, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "weekday": self.weekday,
            "focus": self.focus,
            "estimated_minutes": self.estimated_minutes,
            "warmup": [item.to_dict() for item in self.warmup],
            "exercises": [item.to_dict() for item in self.exercises],
            "cooldown": [item.to_dict() for item in self.cooldown],
        }


@dataclass(frozen=True)
class WeeklyPlan:
    seed: int
    split: str
    inputs: dict[str, Any]
    days: tuple[PlanDay, ...]
    rest_days: tuple[str, ...]
    engine: str = "builtin"
    weeks: tuple[dict[str, Any], ...] = ()
    notes: tuple[dict[str, Any], ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "engine": self.engine,
            "seed": self.seed,
            "split": self.split,
            "inputs": dict(self.inputs),
            "days": [day.to_dict() for day in self.days],
            "rest_days": list(self.rest_days),
            "weeks": [dict(week) for week in self.weeks],
            "notes": [dict(note) for note in self.notes],
        }
