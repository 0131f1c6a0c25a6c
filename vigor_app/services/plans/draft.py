"""The plan while the engine builds it: mutable drafts of exercises, sessions and the week.

``Week`` holds what stays fixed for one plan (inputs, the person's exercise pool, the seeded
random generator, weekly volume floor, cap and targets) and what the engine counts as it
goes (hard sets per group, how often each exercise was used). ``DraftDay`` and
``DraftEntry`` are turned into the frozen ``weekly_plan`` dataclasses at the end.
"""

from __future__ import annotations

import functools
import random
from collections import Counter
from dataclasses import dataclass, field

from vigor_app.services.catalogue.catalogue import Catalogue
from vigor_app.services.catalogue.exercise import Exercise
from vigor_app.services.plans import progression, rules, splits
from vigor_app.services.plans import soft_limits as soft
from vigor_app.services.plans.request import PlanInputs
from vigor_app.services.plans.timing import (
    MAIN_TRANSITION_SECONDS,
    ItemTime,
    Reps,
    session_seconds,
    work_seconds,
)
from vigor_app.services.plans.weekly_plan import DrillItem
from vigor_app.services.vocabulary import MUSCLE_GROUP, PATTERNS, STRENGTH_PATTERNS

# Each session is settled within +/- 3 % of the requested length (the validator allows 10 %).
AIM = 0.03
# Weekly hard sets the engine aims for per group, between the floor and the cap:
# "build" when the goals include strength or muscle gain, "maintain" otherwise.
VOLUME_TARGET: dict[str, dict[str, int]] = {
    "build": {"beginner": 9, "intermediate": 13, "advanced": 16},
    "maintain": {"beginner": 6, "intermediate": 9, "advanced": 12},
}
FOCUS_EXTRA_SETS = 4
# Weekly sets per soft muscle (``soft_limits.SOFT_MUSCLES``) the engine aims for, above the
# soft floor: "build" for strength or muscle gain, "maintain" otherwise.
MUSCLE_TARGET: dict[str, dict[str, int]] = {
    "build": {"beginner": 10, "intermediate": 13, "advanced": 15},
    "maintain": {"beginner": 6, "intermediate": 7, "advanced": 8},
}
# Working sets of a lifting exercise; the day's main lift gets at least ``MAIN_MIN_SETS``.
LIFT_MIN_SETS, LIFT_MAX_SETS = soft.LIFT_SETS
MAIN_MIN_SETS = soft.MAIN_LIFT_SETS[0]


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
    def is_lift(self) -> bool:
        """A counted (not timed) exercise of a strength pattern: 2-5 working sets."""
        return self.exercise.pattern in STRENGTH_PATTERNS and not self.exercise.timed

    @property
    def is_filler(self) -> bool:
        """Work that counts towards no muscle group (conditioning, mobility, small muscles)."""
        return not self.groups


@dataclass
class DraftDay:
    label: str
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

    @property
    def fitting(self) -> frozenset[str] | None:
        """The strength patterns this day's label allows (None: a full-body day, any)."""
        return soft.day_fit(self.label)

    def welcomes(self, exercise: Exercise, instead_of: DraftEntry | None = None) -> bool:
        """Whether the exercise fits the day's focus and repeats none of its other exercises
        (``instead_of``: the entry it would replace)."""
        if not soft.fits_day(self.fitting, exercise):
            return False
        key = soft.redundancy_key(exercise)
        return key is None or all(
            soft.redundancy_key(e.exercise) != key
            for e in self.entries
            if e is not instead_of and e.exercise.id != exercise.id
        )

    def main_lift(self) -> DraftEntry | None:
        """The day's main lift: its first lifting exercise that has (or may still get) sets."""
        return next((e for e in self.entries if e.is_lift), None)

    def least_sets(self, entry: DraftEntry) -> int:
        """The fewest sets the entry may have once it has any (main 3, lifts 2, others 1)."""
        if not entry.is_lift or self.target < soft.SHORT_SESSION_MINUTES * 60:
            return 1
        return MAIN_MIN_SETS if entry is self.main_lift() else LIFT_MIN_SETS

    def can_lose(self, entry: DraftEntry, count: int = 1) -> bool:
        """Whether the entry may give up ``count`` sets and keep its fewest, and a main lift
        as many as any other lift of the day."""
        if entry.sets - count < self.least_sets(entry):
            return False
        if entry is not self.main_lift():
            return True
        others = [e.sets for e in self.entries if e.is_lift and e is not entry]
        return entry.sets - count >= max(others, default=0)

    def most_sets(self, entry: DraftEntry) -> int:
        """The most sets a lift may have: 5, and never more than the day's main lift."""
        main = self.main_lift()
        if entry is main or main is None:
            return LIFT_MAX_SETS
        return min(LIFT_MAX_SETS, max(main.sets, self.least_sets(main)))

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
        # The soft rules' view: weekly sets per muscle (primary 1, secondary 1/2) and per pattern.
        minutes = soft.weekly_minutes(inputs.days_per_week, inputs.session_minutes)
        self.muscle_floor = soft.volume_floor(inputs.goals, inputs.level, minutes)
        self.muscle_ceiling = {
            m: soft.volume_ceiling(inputs.goals, inputs.level, minutes, m)
            for m in soft.SOFT_MUSCLES
        }
        self.muscles: dict[str, float] = {m: 0.0 for m in soft.SOFT_MUSCLES}
        self.trainable_muscles = soft.trainable_muscles(self.pool)
        build = "build" if soft.LIFTING_GOALS & set(self.goals) else "maintain"
        self.muscle_target = {
            m: min(self.muscle_ceiling[m], max(self.muscle_floor, MUSCLE_TARGET[build][self.level]))
            for m in self.trainable_muscles
        }
        self.pattern_sets: Counter[str] = Counter()
        self._top: dict[str, frozenset[str] | None] = {}

    def leads(self, exercise: Exercise) -> bool:
        """Whether the exercise may be a day's main lift: among its pattern's most effective
        lifts this person can do (``soft_limits.top_lifts``), or any when there are none."""
        pattern = exercise.pattern
        if pattern not in soft.LIFT_PATTERNS:
            return True
        if pattern not in self._top:
            self._top[pattern] = soft.top_lifts(self.pool, pattern)
        top = self._top[pattern]
        return top is None or exercise.id in top

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
        for muscle, share in muscle_shares(entry.exercise):
            self.muscles[muscle] += share * count
        self.pattern_sets[entry.exercise.pattern] += count

    def remove_sets(self, entry: DraftEntry, count: int = 1) -> None:
        self.add_sets(entry, -count)

    def keeps_floor(
        self, entry: DraftEntry, count: int = 1, *, balance: bool = True, hard_only: bool = False
    ) -> bool:
        """Whether ``count`` sets of this exercise can go without a group or muscle dropping
        below its floor (nor, unless ``balance=False``, a balance leaving its range);
        ``hard_only``: the hard groups' floors alone (a hard floor beats the soft rules)."""
        if hard_only:
            return all(self.volume[g] - count >= self.floor for g in entry.groups)
        return (
            all(self.volume[g] - count >= self.floor for g in entry.groups)
            and all(
                self.muscles[m] - share * count >= self.muscle_floor
                for m, share in muscle_shares(entry.exercise)
                if m in self.trainable_muscles
            )
            and (not balance or self.keeps_balance(entry.exercise.pattern, -count))
        )

    def keeps_balance(self, pattern: str, change: int) -> bool:
        """Whether ``change`` sets of a pattern leave both balances in range, or closer to it."""
        for _, top, bottom, bounds in soft.BALANCES:
            if pattern not in top | bottom:
                continue
            now = (
                sum(self.pattern_sets[p] for p in top),
                sum(self.pattern_sets[p] for p in bottom),
            )
            after = (now[0] + change, now[1]) if pattern in top else (now[0], now[1] + change)
            if not soft.ratio_ok(*after, bounds) and balance_gap(*after, bounds) >= balance_gap(
                *now, bounds
            ):
                return False
        return True

    def under_target(self, entry: DraftEntry) -> bool:
        """Whether a group or soft muscle the exercise trains is still below its weekly target."""
        return any(self.volume[g] < self.target.get(g, 0) for g in entry.groups) or any(
            self.muscles[m] < self.muscle_target.get(m, 0)
            for m, share in muscle_shares(entry.exercise)
            if share == 1.0
        )

    def can_add(
        self,
        day: DraftDay,
        entry: DraftEntry,
        limit: int,
        *,
        count: int = 1,
        max_sets: int = 0,
        used: int | None = None,
        soft_limits: bool = True,
    ) -> bool:
        """Whether ``count`` more sets fit: the set limit, every group's weekly cap, the time
        limit and (unless a hard floor asks, ``soft_limits=False``) the soft limits: a lift's
        most sets and each muscle's ceiling."""
        if entry.sets + count > max(entry.max_sets, max_sets):
            return False
        if any(self.volume[g] + count > self.cap for g in entry.groups):
            return False
        if soft_limits and entry.is_lift and entry.sets + count > day.most_sets(entry):
            return False
        if soft_limits and any(
            self.muscles[m] + share * count > self.muscle_ceiling[m]
            for m, share in muscle_shares(entry.exercise)
        ):
            return False
        extra = count * entry.set_cost + (MAIN_TRANSITION_SECONDS if entry.sets == 0 else 0)
        return (day.main_seconds() if used is None else used) + extra <= limit


@functools.cache
def muscle_shares(exercise: Exercise) -> tuple[tuple[str, float], ...]:
    """(soft muscle, share of one set) for the muscles a strength exercise trains."""
    if exercise.pattern not in STRENGTH_PATTERNS:
        return ()
    found = []
    for muscle, members in soft.SOFT_MUSCLES.items():
        share = soft.muscle_share(exercise, members)
        if share:
            found.append((muscle, share))
    return tuple(found)


def balance_gap(top: float, bottom: float, bounds: tuple[float, float]) -> float:
    """How far ``top:bottom`` is from its range, in sets (0 inside it)."""
    low, high = bounds
    return max(0.0, low * bottom - top, top - high * bottom)
