"""The plan while the engine builds it: mutable drafts of exercises, sessions and the week.

``Week`` holds what stays fixed for one plan (inputs, the person's exercise pool, the seeded
random generator, weekly volume floor, cap and targets) and what the engine counts as it
goes (hard sets per group, how often each exercise was used). ``DraftDay`` and
``DraftEntry`` are turned into the frozen ``weekly_plan`` dataclasses at the end.
"""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass, field

from vigor_app.services.catalogue.catalogue import Catalogue
from vigor_app.services.catalogue.exercise import Exercise
from vigor_app.services.plans import progression, rules, splits
from vigor_app.services.plans.request import PlanInputs
from vigor_app.services.plans.timing import (
    MAIN_TRANSITION_SECONDS,
    ItemTime,
    Reps,
    session_seconds,
    work_seconds,
)
from vigor_app.services.plans.weekly_plan import DrillItem
from vigor_app.services.vocabulary import MUSCLE_GROUP, PATTERNS

# Each session is settled within +/- 3 % of the requested length (the validator allows 10 %).
AIM = 0.03
# Weekly hard sets the engine aims for per group, between the floor and the cap:
# "build" when the goals include strength or muscle gain, "maintain" otherwise.
VOLUME_TARGET: dict[str, dict[str, int]] = {
    "build": {"beginner": 9, "intermediate": 13, "advanced": 16},
    "maintain": {"beginner": 6, "intermediate": 9, "advanced": 12},
}
FOCUS_EXTRA_SETS = 4


@dataclass
class DraftEntry:
    """One exercise of a session's main part, with its prescription still adjustable."""

    exercise: Exercise
    role: str
    reason: str
    reps: Reps
    rest: int
    rest_low: int
    rest_high: int
    rpe: float
    base_sets: int
    max_sets: int
    seconds_high: int = 0
    sets: int = 0
    work: int = 0  # seconds of work per set, kept in step with ``reps`` by ``set_reps``

    def __post_init__(self) -> None:
        self.set_reps(self.reps)

    def set_reps(self, reps: Reps) -> None:
        self.reps = reps
        self.work = work_seconds(reps, self.exercise.unilateral)

    @property
    def groups(self) -> frozenset[str]:
        return self.exercise.groups

    @property
    def set_cost(self) -> int:
        return self.work + self.rest

    @property
    def seconds(self) -> int:
        """This exercise's share of the time model (see ``timing``)."""
        return self.sets * self.set_cost + MAIN_TRANSITION_SECONDS if self.sets else 0

    @property
    def is_filler(self) -> bool:
        """Work that counts towards no muscle group (conditioning, mobility, small muscles)."""
        return not self.groups


@dataclass
class DraftDay:
    label: str
    focus: str
    weekday: str | None
    slots: tuple[splits.Slot, ...]
    target: int  # requested session length in seconds
    warmup: list[DrillItem] = field(default_factory=list)
    cooldown: list[DrillItem] = field(default_factory=list)
    warmup_times: list[ItemTime] = field(default_factory=list)
    cooldown_times: list[ItemTime] = field(default_factory=list)
    entries: list[DraftEntry] = field(default_factory=list)

    def used_ids(self) -> set[str]:
        return {e.exercise.id for e in self.entries}

    def total_seconds(self) -> int:
        return session_seconds(
            self.warmup_times,
            [ItemTime(e.sets, e.work, e.rest) for e in self.entries if e.sets],
            self.cooldown_times,
        )

    def main_seconds(self) -> int:
        return sum(e.seconds for e in self.entries)

    def limits(self) -> tuple[int, int]:
        """Main-part seconds: (aim, upper bound) once warm-up and cool-down are counted."""
        aim = self.target - session_seconds(self.warmup_times, (), self.cooldown_times)
        return aim, aim + round(self.target * AIM)


class Week:
    """Everything fixed for one plan, plus the running weekly volume."""

    def __init__(self, inputs: PlanInputs, catalogue: Catalogue, seed: int) -> None:
        self.inputs = inputs
        self.catalogue = catalogue
        self.rng = random.Random(seed)
        self.level = inputs.level
        self.goals = inputs.goals
        self.pool = catalogue.available_for(inputs.equipment, inputs.injuries, inputs.level)
        self.by_pattern: dict[str, list[Exercise]] = {p: [] for p in PATTERNS}
        for exercise in self.pool:
            self.by_pattern[exercise.pattern].append(exercise)
        self.trainable = rules.trainable_groups(self.pool)
        self.floor = rules.volume_floor(inputs.level, inputs.days_per_week, inputs.session_minutes)
        self.cap = rules.volume_cap(inputs.level)
        self.focus_muscles = frozenset(f for f in inputs.focus if f not in PATTERNS)
        self.focus_patterns = frozenset(f for f in inputs.focus if f in PATTERNS)
        self.target = self._targets()
        # Strength and muscle goals prefer work that can be loaded in small steps.
        self.prefers_load = bool(
            {"strength", "muscle_gain"} & set(self.goals)
            and progression.LOADABLE & set(inputs.equipment)
        )
        # Timed work whose shortest bout exceeds a sixth of the session does not fit it.
        self.long_work = inputs.session_minutes * 60 // 6
        minutes = inputs.session_minutes
        self.rest_scale = (
            0.6 if minutes <= 20 else 0.75 if minutes <= 30 else 0.9 if minutes <= 45 else 1.0
        )
        self.volume: Counter[str] = Counter()
        self.used_week: Counter[str] = Counter()

    def _targets(self) -> dict[str, int]:
        focus_groups = {MUSCLE_GROUP[m] for m in self.focus_muscles if m in MUSCLE_GROUP}
        for exercise in self.pool:
            if exercise.pattern in self.focus_patterns:
                focus_groups |= exercise.groups
        kind = "build" if {"strength", "muscle_gain"} & set(self.goals) else "maintain"
        base = VOLUME_TARGET[kind][self.level]
        return {
            group: max(
                self.floor, min(self.cap, base + (FOCUS_EXTRA_SETS if group in focus_groups else 0))
            )
            for group in self.trainable
        }

    def add_sets(self, entry: DraftEntry, count: int = 1) -> None:
        entry.sets += count
        for group in entry.groups:
            self.volume[group] += count

    def remove_sets(self, entry: DraftEntry, count: int = 1) -> None:
        entry.sets -= count
        for group in entry.groups:
            self.volume[group] -= count

    def keeps_floor(self, entry: DraftEntry, count: int = 1) -> bool:
        """Whether ``count`` sets of this exercise can go without a group dropping below its floor."""
        return all(self.volume[g] - count >= self.floor for g in entry.groups)

    def can_add(
        self,
        day: DraftDay,
        entry: DraftEntry,
        limit: int,
        *,
        count: int = 1,
        max_sets: int = 0,
        used: int | None = None,
    ) -> bool:
        """Whether ``count`` more sets fit: the set limit, every group's weekly cap, the time limit."""
        if entry.sets + count > max(entry.max_sets, max_sets):
            return False
        if any(self.volume[g] + count > self.cap for g in entry.groups):
            return False
        extra = count * entry.set_cost + (MAIN_TRANSITION_SECONDS if entry.sets == 0 else 0)
        return (day.main_seconds() if used is None else used) + extra <= limit
