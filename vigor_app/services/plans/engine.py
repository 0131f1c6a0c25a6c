"""The built-in weekly plan engine: deterministic, offline, a few milliseconds per plan.

How a week is built (``generate_plan``):

1. Resolve profile + request into ``PlanInputs`` and take the person's exercise pool:
   available equipment, safe for every injury, at or below their level.
2. Pick the split from the number of days (``splits``) and the weekdays (``schedule``).
3. For each day, choose warm-up and cool-down drills, then fill the template's slots with
   the best-scoring exercise: pattern order, role fit (compound lifts first; for strength,
   loaded barbell/dumbbell work that can go low-rep), difficulty near the person's level,
   variety across the week, focus areas, plus a seeded random jitter. Goals add slots:
   conditioning for endurance/fat loss, mobility drills for mobility, a focus slot.
4. Prescribe each exercise from its role and the goals (``SCHEMES``): reps inside
   ``rules.rep_window``, rest, effort (RPE adjusted for level and intensity), sets.
5. Allocate sets over the whole week, most important first: main lifts and one set for every
   trainable muscle group, then the weekly floor for every group, then each exercise's base
   sets - never past the weekly cap of a group, never past the session's time.
6. Settle each session on its requested length with the time model (``timing``): stretch
   rests, add conditioning / mobility / small-muscle fillers that do not count towards
   muscle volume, or trim, then fine-tune rests in 5 s steps.

Same inputs and seed give the same plan; all randomness comes from ``random.Random(seed)``.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from vigor_app.services.catalogue import Catalogue, Exercise, load_catalogue
from vigor_app.services.plans import progression, rules, schedule, splits
from vigor_app.services.plans.request import PlanInputs, PlanRequest, Profile, coerce_inputs
from vigor_app.services.plans.timing import (
    MAIN_TRANSITION_SECONDS,
    ItemTime,
    Reps,
    estimated_minutes,
    session_seconds,
    work_seconds,
)
from vigor_app.services.plans.vocabulary import (
    MUSCLE_GROUP,
    PATTERNS,
    STRENGTH_PATTERNS,
)
from vigor_app.services.plans.weekly_plan import DrillItem, PlanDay, PlanItem, WeeklyPlan

# --- prescriptions --------------------------------------------------------------------


@dataclass(frozen=True)
class Scheme:
    reps: tuple[int, int]
    rest: tuple[int, int]
    sets: int
    rpe: float


SCHEMES: dict[tuple[str, str], Scheme] = {
    ("strength", "main"): Scheme((3, 6), (150, 240), 4, 8.0),
    ("strength", "secondary"): Scheme((5, 8), (120, 180), 3, 8.0),
    ("strength", "accessory"): Scheme((8, 12), (60, 90), 3, 7.5),
    ("muscle_gain", "main"): Scheme((6, 10), (90, 150), 4, 8.0),
    ("muscle_gain", "secondary"): Scheme((8, 12), (75, 120), 3, 8.0),
    ("muscle_gain", "accessory"): Scheme((10, 15), (60, 90), 3, 8.5),
    ("general_fitness", "main"): Scheme((8, 12), (75, 120), 3, 7.5),
    ("general_fitness", "secondary"): Scheme((8, 12), (60, 90), 3, 7.5),
    ("general_fitness", "accessory"): Scheme((10, 15), (45, 75), 2, 7.0),
    ("fat_loss", "main"): Scheme((8, 12), (60, 90), 3, 7.5),
    ("fat_loss", "secondary"): Scheme((10, 15), (45, 60), 3, 7.5),
    ("fat_loss", "accessory"): Scheme((12, 15), (30, 60), 2, 7.0),
    ("endurance", "main"): Scheme((12, 15), (45, 75), 3, 7.0),
    ("endurance", "secondary"): Scheme((12, 20), (30, 60), 3, 7.0),
    ("endurance", "accessory"): Scheme((15, 20), (30, 45), 2, 7.0),
    ("mobility", "main"): Scheme((8, 12), (60, 90), 3, 7.0),
    ("mobility", "secondary"): Scheme((8, 12), (60, 90), 3, 7.0),
    ("mobility", "accessory"): Scheme((10, 15), (45, 60), 2, 6.5),
}
INTERVAL_SCHEME = Scheme((8, 15), (30, 60), 4, 7.5)
STEADY_SCHEME = Scheme((8, 15), (30, 60), 1, 6.0)
MOBILITY_SCHEME = Scheme((8, 12), (30, 45), 2, 4.0)
# Low fixed reps for strength main lifts, per level.
STRENGTH_MAIN_REPS: dict[str, tuple[int, int]] = {
    "beginner": (5, 6),
    "intermediate": (4, 6),
    "advanced": (3, 5),
}
# Which goal's scheme a role follows when several goals are set (first match wins).
SCHEME_PRIORITY: dict[str, tuple[str, ...]] = {
    "main": ("strength", "muscle_gain", "general_fitness", "fat_loss", "endurance", "mobility"),
    "secondary": ("muscle_gain", "strength", "general_fitness", "fat_loss", "endurance", "mobility"),
    "accessory": ("muscle_gain", "general_fitness", "fat_loss", "endurance", "strength", "mobility"),
}
ROLE_KIND: dict[str, str] = {
    "main": "main",
    "secondary": "secondary",
    "accessory": "accessory",
    "core": "accessory",
    "carry": "accessory",
    "focus": "accessory",
    "coverage": "accessory",
    "filler": "accessory",
}
LEVEL_RPE_SHIFT: dict[str, float] = {"beginner": -0.5, "intermediate": 0.0, "advanced": 0.5}
INTENSITY_RPE_SHIFT: dict[str, float] = {"easy": -1.0, "normal": 0.0, "hard": 1.0}
INTENSITY_SETS_SHIFT: dict[str, int] = {"easy": -1, "normal": 0, "hard": 1}
LEVEL_SETS_SHIFT: dict[str, int] = {"beginner": -1, "intermediate": 0, "advanced": 1}
# Where in a timed exercise's seconds range a level starts.
LEVEL_TIME_POSITION: dict[str, float] = {"beginner": 0.25, "intermediate": 0.5, "advanced": 0.75}
# Weekly sets the engine aims for per group (between the floor and the cap).
VOLUME_TARGET: dict[str, dict[str, int]] = {
    "build": {"beginner": 9, "intermediate": 13, "advanced": 16},
    "maintain": {"beginner": 6, "intermediate": 9, "advanced": 12},
}
FOCUS_EXTRA_SETS = 4
DESIRED_DIFFICULTY: dict[str, float] = {"beginner": 2.5, "intermediate": 4.5, "advanced": 6.0}
# Strength main lifts prefer loadable free weights.
STRENGTH_EQUIPMENT_RANK: dict[str, float] = {
    "barbell": 0.0,
    "dumbbells": 0.5,
    "pull_up_bar": 1.0,
    "kettlebells": 1.5,
    "machines": 2.0,
    "cable_machine": 2.0,
    "bench": 2.5,
    "bodyweight": 2.5,
    "resistance_bands": 3.5,
    "cardio_machine": 4.0,
}
FREE_WEIGHTS = frozenset({"barbell", "dumbbells"})
# Session-settling knobs.
AIM = 0.03  # settle each session within +/- 3 % of the request (validator allows 10 %)
MAX_FILLERS = 5
FILLER_LIMITS: dict[str, int] = {"steady": 1, "interval": 2, "mobility": 2, "small": 3}
FILLER_ORDER: dict[str, list[str]] = {
    "endurance": ["steady", "interval"],
    "fat_loss": ["interval", "steady"],
    "mobility": ["mobility"],
    "strength": ["small"],
    "muscle_gain": ["small"],
    "general_fitness": ["interval", "mobility"],
}
ROLE_PRIORITY: tuple[tuple[str, ...], ...] = (
    ("main",),
    ("secondary", "focus", "conditioning", "mobility"),
    ("core", "carry", "coverage"),
    ("accessory",),
)
FLOOR_MAX_SETS = 8
FALLBACK_SPAN = 2
PROTECTED_ROLES = frozenset({"main", "conditioning", "mobility", "focus"})  # an exercise may go past its base sets when a group's floor needs it
JITTER = 2.0

GOAL_PHRASE: dict[str, str] = {
    "strength": "low reps and long rests build strength",
    "muscle_gain": "moderate reps close to failure build muscle",
    "general_fitness": "balanced reps for all-round fitness",
    "fat_loss": "brisk sets with short rests keep the work rate high",
    "endurance": "higher reps and short rests build stamina",
    "mobility": "controlled reps through a full range of motion",
}


def _round5(value: float) -> int:
    return int(round(value / 5.0) * 5)


# --- working state ----------------------------------------------------------------------


@dataclass
class _Entry:
    """An exercise being planned for one session (mutable while the week is settled)."""

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
    work: int = 0  # seconds of work per set, kept in step with ``reps``

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
        return self.sets * self.set_cost + MAIN_TRANSITION_SECONDS if self.sets else 0

    @property
    def is_filler(self) -> bool:
        return not self.groups


@dataclass
class _Day:
    label: str
    focus: str
    weekday: str | None
    slots: tuple[splits.Slot, ...]
    warmup: list[DrillItem] = field(default_factory=list)
    cooldown: list[DrillItem] = field(default_factory=list)
    drill_times: list[ItemTime] = field(default_factory=list)
    cooldown_times: list[ItemTime] = field(default_factory=list)
    entries: list[_Entry] = field(default_factory=list)
    target: int = 0  # requested session seconds

    def used_ids(self) -> set[str]:
        ids = {e.exercise.id for e in self.entries}
        return ids

    def total_seconds(self) -> int:
        return session_seconds(
            self.drill_times,
            [ItemTime(e.sets, e.work, e.rest) for e in self.entries if e.sets],
            self.cooldown_times,
        )

    def main_seconds(self) -> int:
        return sum(e.seconds for e in self.entries)

    def main_target(self) -> int:
        """Seconds left for the main part once warm-up and cool-down are counted."""
        return self.target - session_seconds(self.drill_times, (), self.cooldown_times)


class _Week:
    """Everything the engine knows while it builds one plan."""

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
        focus_groups = {MUSCLE_GROUP[m] for m in self.focus_muscles if m in MUSCLE_GROUP}
        for exercise in self.pool:
            if exercise.pattern in self.focus_patterns:
                focus_groups |= exercise.groups
        kind = "build" if {"strength", "muscle_gain"} & set(self.goals) else "maintain"
        base_target = VOLUME_TARGET[kind][self.level]
        self.target = {
            g: max(self.floor, min(self.cap, base_target + (FOCUS_EXTRA_SETS if g in focus_groups else 0)))
            for g in self.trainable
        }
        self.prefers_load = bool(
            {"strength", "muscle_gain"} & set(self.goals)
            and progression.LOADABLE & set(inputs.equipment)
        )
        self.long_work = inputs.session_minutes * 60 // 6
        self.volume: Counter[str] = Counter()
        self.used_week: Counter[str] = Counter()
        minutes = inputs.session_minutes
        self.rest_scale = 0.6 if minutes <= 20 else 0.75 if minutes <= 30 else 0.9 if minutes <= 45 else 1.0

    # -- prescriptions ------------------------------------------------------------------

    def scheme_goal(self, kind: str) -> str:
        return next((g for g in SCHEME_PRIORITY[kind] if g in self.goals), "general_fitness")

    def rest_window(self, rest: tuple[int, int]) -> tuple[int, int]:
        low = max(rules.REST_RANGE[0], _round5(rest[0] * self.rest_scale))
        high = max(low, min(rules.REST_RANGE[1], _round5(rest[1] * self.rest_scale)))
        return low, high

    def rpe(self, base: float) -> float:
        value = base + LEVEL_RPE_SHIFT[self.level] + INTENSITY_RPE_SHIFT[self.inputs.intensity]
        value = min(max(value, rules.RPE_MIN), rules.RPE_MAX[self.level])
        return round(value * 2) / 2

    def timed_seconds(self, exercise: Exercise, position: float) -> int:
        low, high = rules.seconds_window(exercise)
        value = _round5(low + (high - low) * position)
        return min(max(value, low), high)

    def count_reps(self, exercise: Exercise, preferred: tuple[int, int]) -> tuple[int, int]:
        """The preferred window squeezed inside the allowed one (``rules.rep_window``)."""
        low, high = rules.rep_window(exercise, self.goals, self.level)
        a, b = max(preferred[0], low), min(preferred[1], high)
        if a <= b:
            return a, b
        # No overlap: the narrow window of the allowed range nearest to the preferred one.
        if preferred[1] < low:
            return low, min(high, low + FALLBACK_SPAN)
        return max(low, high - FALLBACK_SPAN), high

    def entry(self, exercise: Exercise, role: str, reason: str) -> _Entry:
        """Prescribe an exercise for a role under the person's goals."""
        intensity_sets = INTENSITY_SETS_SHIFT[self.inputs.intensity]
        if exercise.pattern == "conditioning" or role == "conditioning":
            steady = "steady_state" in exercise.tags
            scheme = STEADY_SCHEME if steady else INTERVAL_SCHEME
            if exercise.timed:
                position = 0.0 if steady else LEVEL_TIME_POSITION[self.level]
                if "endurance" in self.goals and not steady:
                    position = min(1.0, position + 0.25)
                seconds = self.timed_seconds(exercise, position)
                reps = Reps(seconds, seconds, True)
            else:
                reps = Reps(*self.count_reps(exercise, scheme.reps), False)
            sets = max(1, scheme.sets + (intensity_sets if not steady else 0))
            max_sets = 2 if steady else 8
        elif exercise.pattern == "mobility":
            scheme = MOBILITY_SCHEME
            if exercise.timed:
                seconds = self.timed_seconds(exercise, 0.5)
                reps = Reps(seconds, seconds, True)
            else:
                reps = Reps(*self.count_reps(exercise, scheme.reps), False)
            sets, max_sets = scheme.sets, 4
        else:
            kind = ROLE_KIND[role]
            goal = self.scheme_goal(kind)
            scheme = SCHEMES[(goal, kind)]
            if exercise.timed:
                position = LEVEL_TIME_POSITION[self.level]
                if goal in ("endurance", "fat_loss"):
                    position = min(1.0, position + 0.25)
                seconds = self.timed_seconds(exercise, position)
                reps = Reps(seconds, seconds, True)
            elif goal == "strength" and kind == "main":
                preferred = STRENGTH_MAIN_REPS[self.level]
                low, high = self.count_reps(exercise, preferred)
                fixed = self.rng.randint(low, high) if high <= preferred[1] else low
                reps = Reps(fixed, fixed, False)
            else:
                reps = Reps(*self.count_reps(exercise, scheme.reps), False)
            shift = intensity_sets + (LEVEL_SETS_SHIFT[self.level] if kind == "main" else 0)
            sets = min(6, max(2, scheme.sets + shift))
            max_sets = sets
        rest_low, rest_high = self.rest_window(scheme.rest)
        seconds_high = rules.seconds_window(exercise)[1] if exercise.timed else 0
        return _Entry(
            exercise=exercise,
            role=role,
            reason=reason,
            reps=reps,
            rest=rest_low,
            rest_low=rest_low,
            rest_high=rest_high,
            rpe=self.rpe(scheme.rpe),
            base_sets=sets,
            max_sets=max_sets,
            seconds_high=seconds_high,
        )

    def reason(self, exercise: Exercise, role: str, slot: splits.Slot | None = None) -> str:
        pattern = exercise.pattern.replace("_", " ")
        if role in ("main", "secondary"):
            goal = self.scheme_goal(ROLE_KIND[role])
            lead = "Main" if role == "main" else "Second"
            return f"{lead} {pattern} movement: {GOAL_PHRASE[goal]}."
        if role == "focus":
            wanted = sorted(set(self.inputs.focus) & (set(exercise.primary_muscles) | {exercise.pattern}))
            return f"Extra work for your focus on {', '.join(wanted) or 'your chosen areas'}."
        if role == "core":
            return "Trunk strength and control protect your back in every other lift."
        if role == "carry":
            return "Loaded walking builds grip and a stiff, stable trunk."
        if role == "conditioning":
            goal = next((g for g in ("endurance", "fat_loss") if g in self.goals), "general_fitness")
            return f"Conditioning for your {goal.replace('_', ' ')} goal."
        if role == "mobility":
            return "Mobility work in the main part, for your mobility goal."
        if role == "coverage":
            groups = ", ".join(sorted(exercise.groups)).replace("_", " ")
            return f"Keeps {groups} trained this week."
        if role == "filler":
            what = "conditioning" if exercise.pattern == "conditioning" else (
                "mobility" if exercise.pattern == "mobility" else "small-muscle work")
            return f"Extra {what} to use the time you asked for without overloading the big muscle groups."
        muscles = ", ".join(exercise.primary_muscles).replace("_", " ")
        return f"Accessory work for {muscles}."

    # -- exercise choice -----------------------------------------------------------------

    def score(self, exercise: Exercise, role: str, rank: int, slot_muscles: frozenset[str]) -> float:
        score = rank * 2.0
        difficulty_gap = abs(exercise.difficulty - DESIRED_DIFFICULTY[self.level])
        if role in ("main", "secondary"):
            if not exercise.is_compound:
                score += 5.0
            if exercise.timed:
                score += 3.0
            score += 0.6 * difficulty_gap
            if role == "main" and "strength" in self.goals:
                score += min(STRENGTH_EQUIPMENT_RANK[e] for e in exercise.equipment)
                if exercise.rep_range is None or exercise.rep_range[0] > 6:
                    score += 3.0
        else:
            score += 0.3 * difficulty_gap
        if self.prefers_load and not exercise.equipment_set & progression.LOADABLE:
            score += 1.5  # strength and muscle goals: loadable work progresses in small steps
        if slot_muscles:
            score += -4.0 if slot_muscles & set(exercise.primary_muscles) else 2.0
        if exercise.timed and exercise.seconds_range and exercise.seconds_range[0] > self.long_work:
            score += 8.0  # a ten-minute walk does not fit a fifteen-minute session
        if role == "conditioning":
            if "endurance" in self.goals and "steady_state" in exercise.tags:
                score -= 2.0
            if "fat_loss" in self.goals and "interval" in exercise.tags:
                score -= 2.0
        if self.focus_muscles & set(exercise.primary_muscles) or exercise.pattern in self.focus_patterns:
            score -= 3.0
        score += 2.0 * self.used_week[exercise.id]
        return score + self.rng.random() * JITTER

    def pick(
        self,
        patterns: Iterable[str],
        role: str,
        exclude: set[str],
        muscles: Iterable[str] = (),
        accept: Any = None,
    ) -> Exercise | None:
        slot_muscles = frozenset(muscles)
        best: tuple[float, str, Exercise] | None = None
        for rank, pattern in enumerate(patterns):
            for exercise in self.by_pattern.get(pattern, ()):
                if exercise.id in exclude or (accept is not None and not accept(exercise)):
                    continue
                key = (self.score(exercise, role, rank, slot_muscles), exercise.id, exercise)
                if best is None or key[:2] < best[:2]:
                    best = key
        return best[2] if best else None

    def drills(self, tag: str, count: int, first_pattern: str | None) -> list[Exercise]:
        candidates = [e for e in self.pool if tag in e.tags]
        self.rng.shuffle(candidates)
        chosen: list[Exercise] = []
        if first_pattern:
            lead = [e for e in candidates if e.pattern == first_pattern]
            if lead:
                chosen.append(lead[0])
        for exercise in candidates:
            if len(chosen) >= count:
                break
            if exercise not in chosen and exercise.pattern != "conditioning":
                chosen.append(exercise)
        return chosen

    def drill_item(self, exercise: Exercise, hold: int) -> tuple[DrillItem, ItemTime]:
        if exercise.timed:
            low, high = rules.seconds_window(exercise)
            reps = Reps(min(max(hold, low), high), min(max(hold, low), high), True)
        else:
            low, high = exercise.rep_range or (10, 10)
            reps = Reps(low, low, False)
        item = DrillItem(exercise.id, exercise.name, 1, str(reps))
        return item, ItemTime(1, work_seconds(reps, exercise.unilateral))


# --- building the week ------------------------------------------------------------------


def _goal_slots(week: _Week, template: splits.DayTemplate) -> tuple[splits.Slot, ...]:
    """The template's slots with goal and focus slots placed by priority."""
    slots = list(template.slots)
    mains = sum(1 for s in slots if s.role == "main")
    extra: list[splits.Slot] = []
    if week.inputs.focus:
        focus_patterns = tuple(sorted(week.focus_patterns)) or tuple(sorted(STRENGTH_PATTERNS))
        extra.append(splits.Slot("focus", focus_patterns, tuple(sorted(week.focus_muscles))))
    if "mobility" in week.goals:
        extra.append(splits.Slot("mobility", ("mobility",)))
    if {"endurance", "fat_loss"} & set(week.goals):
        extra.append(splits.Slot("conditioning", ("conditioning",)))
    return tuple(slots[:mains] + extra + slots[mains:])


def _labels(templates: tuple[splits.DayTemplate, ...]) -> list[str]:
    counts = Counter(t.label for t in templates)
    seen: Counter[str] = Counter()
    labels = []
    for template in templates:
        if counts[template.label] > 1:
            labels.append(f"{template.label} {'ABC'[seen[template.label]]}")
            seen[template.label] += 1
        else:
            labels.append(template.label)
    return labels


def _drill_counts(minutes: int) -> tuple[int, int]:
    warm = 2 if minutes <= 20 else 3 if minutes <= 40 else 4 if minutes <= 75 else 5
    cool = 1 if minutes <= 20 else 2 if minutes <= 45 else 3
    return warm, cool


def _build_day(week: _Week, day: _Day) -> None:
    warm_count, cool_count = _drill_counts(week.inputs.session_minutes)
    for exercise in week.drills("warmup", warm_count, "conditioning"):
        item, time = week.drill_item(exercise, 45)
        day.warmup.append(item)
        day.drill_times.append(time)
    for exercise in week.drills("cooldown", cool_count, None):
        item, time = week.drill_item(exercise, 30)
        day.cooldown.append(item)
        day.cooldown_times.append(time)
    used: set[str] = set()
    for slot in day.slots:
        if slot.role == "focus":
            def accept(e: Exercise) -> bool:
                return bool(
                    e.pattern in week.focus_patterns or week.focus_muscles & set(e.primary_muscles)
                )
            exercise = week.pick(slot.patterns, slot.role, used, slot.muscles, accept)
        else:
            exercise = week.pick(slot.patterns, slot.role, used, slot.muscles)
        if exercise is None:
            continue  # nothing safe and available for this slot: drop it
        used.add(exercise.id)
        week.used_week[exercise.id] += 1
        day.entries.append(week.entry(exercise, slot.role, week.reason(exercise, slot.role, slot)))


def _ensure_strength_lift(week: _Week, days: list[_Day]) -> None:
    """Strength goal: make sure a low-rep barbell/dumbbell compound lift is in the week."""
    if "strength" not in week.goals:
        return

    def qualifies(e: Exercise) -> bool:
        return (
            e.is_compound
            and bool(e.equipment_set & FREE_WEIGHTS)
            and e.rep_range is not None
            and e.rep_range[0] <= 6
        )

    if any(qualifies(entry.exercise) for d in days for entry in d.entries if entry.role == "main"):
        return
    for day in days:
        for index, entry in enumerate(day.entries):
            if entry.role != "main":
                continue
            slot = next((s for s in day.slots if s.role == "main" and entry.exercise.pattern in s.patterns), None)
            patterns = slot.patterns if slot else (entry.exercise.pattern,)
            exclude = day.used_ids()
            exercise = week.pick(patterns, "main", exclude, (), qualifies) or week.pick(
                tuple(sorted(STRENGTH_PATTERNS)), "main", exclude, (), qualifies
            )
            if exercise is None:
                return
            day.entries[index] = week.entry(exercise, "main", week.reason(exercise, "main"))
            return


def _can_add(
    week: _Week,
    day: _Day,
    entry: _Entry,
    limit: int,
    *,
    count: int = 1,
    max_sets: int = 0,
    used: int | None = None,
) -> bool:
    """Whether ``count`` more sets fit: sets limit, every group's weekly cap, the time limit."""
    if entry.sets + count > max(entry.max_sets, max_sets):
        return False
    if any(week.volume[g] + count > week.cap for g in entry.groups):
        return False
    extra = count * entry.set_cost + (MAIN_TRANSITION_SECONDS if entry.sets == 0 else 0)
    return (day.main_seconds() if used is None else used) + extra <= limit


def _add(week: _Week, entry: _Entry, count: int = 1) -> None:
    entry.sets += count
    for group in entry.groups:
        week.volume[group] += count


def _limits(day: _Day) -> tuple[int, int]:
    """Main-part seconds: (aim, upper bound)."""
    target = day.main_target()
    return target, target + round(day.target * AIM)


def _allocate(week: _Week, days: list[_Day]) -> None:
    # 1. One set for main lifts, goal and focus slots, and every group not yet trained.
    for day in days:
        _, upper = _limits(day)
        for entry in day.entries:
            uncovered = any(g in week.trainable and not week.volume[g] for g in entry.groups)
            if (uncovered or entry.role in PROTECTED_ROLES) and _can_add(week, day, entry, upper):
                _add(week, entry)
    # 2. The weekly floor for every trainable group.
    _meet_floors(week, days)
    # 3. Base sets, role by role across the week (main lifts first), round robin in slot
    #    order; main lifts always get their base sets, the rest stop at the group target.
    for roles in ROLE_PRIORITY:
        changed = True
        while changed:
            changed = False
            for day in days:
                aim, _ = _limits(day)
                for entry in day.entries:
                    if entry.role not in roles or entry.sets >= entry.base_sets:
                        continue
                    reached = all(week.volume[g] >= week.target.get(g, 0) for g in entry.groups)
                    if entry.role != "main" and entry.groups and reached:
                        continue
                    count = min(2, entry.base_sets) if entry.sets == 0 else 1
                    if _can_add(week, day, entry, aim, count=count):
                        _add(week, entry, count)
                        changed = True
    for day in days:
        day.entries = [e for e in day.entries if e.sets]


def _meet_floors(week: _Week, days: list[_Day]) -> None:
    while True:
        short = sorted(g for g in week.trainable if week.volume[g] < week.floor)
        if not short:
            return
        progress = False
        for group in short:
            best: tuple[tuple[int, int, int], _Day, _Entry] | None = None
            for day in days:
                _, upper = _limits(day)
                used = day.main_seconds()
                slack = upper - used
                for entry in day.entries:
                    if group in entry.groups and _can_add(
                        week, day, entry, upper, max_sets=FLOOR_MAX_SETS, used=used
                    ):
                        key = (max(entry.sets, 1), entry.sets, -slack)
                        if best is None or key < best[0]:
                            best = (key, day, entry)
            if best is not None:
                _add(week, best[2])
                progress = True
            elif _insert_for_group(week, days, group) or _make_room(week, days, group):
                progress = True
        if not progress:
            return


def _make_room(week: _Week, days: list[_Day], group: str) -> bool:
    """Short sessions: give up one set that no floor needs, in a day that can train ``group``.

    In order: a set from an exercise that keeps at least one; then a whole exercise that is
    neither a main lift nor there for a goal or focus; then any. Exercises training
    ``group`` and sets a floor needs are never taken. False when nothing can go.
    """
    ranked = sorted(days, key=lambda d: not any(group in e.groups for e in d.entries))
    passes = (
        lambda e: e.sets > 1,
        lambda e: e.role not in PROTECTED_ROLES,
        lambda e: True,
    )
    for allowed in passes:
        for day in ranked:
            for entry in reversed(day.entries):
                if group in entry.groups or not entry.sets or not allowed(entry):
                    continue
                if all(week.volume[g] - 1 >= week.floor for g in entry.groups):
                    entry.sets -= 1
                    for g in entry.groups:
                        week.volume[g] -= 1
                    return True
    return False


def _insert_for_group(week: _Week, days: list[_Day], group: str) -> bool:
    """Add an exercise training ``group`` to the session with the most spare time."""
    order = sorted(days, key=lambda d: _limits(d)[1] - d.main_seconds(), reverse=True)
    for day in order:
        _, upper = _limits(day)
        exercise = week.pick(
            tuple(sorted(STRENGTH_PATTERNS)), "coverage", day.used_ids(), (), lambda e: group in e.groups
        )
        if exercise is None:
            return False
        entry = week.entry(exercise, "coverage", week.reason(exercise, "coverage"))
        if _can_add(week, day, entry, upper):
            week.used_week[exercise.id] += 1
            day.entries.append(entry)
            _add(week, entry)
            return True
    return False


# --- settling each session on its length ------------------------------------------------


def _filler_kind(exercise: Exercise) -> str:
    if exercise.pattern == "conditioning":
        return "steady" if "steady_state" in exercise.tags else "interval"
    return "mobility" if exercise.pattern == "mobility" else "small"


def _filler_candidates(week: _Week, day: _Day) -> list[Exercise]:
    """Work that uses time without adding muscle-group volume, in goal order."""
    used = day.used_ids() | {d.exercise_id for d in day.warmup} | {d.exercise_id for d in day.cooldown}
    used -= {e.id for e in week.pool if "steady_state" in e.tags and e.id not in day.used_ids()}
    desired = DESIRED_DIFFICULTY[week.level]
    buckets: dict[str, list[Exercise]] = {"steady": [], "interval": [], "mobility": [], "small": []}
    for exercise in week.pool:
        if not exercise.groups and exercise.id not in used:
            buckets[_filler_kind(exercise)].append(exercise)
    day_patterns = {p for slot in day.slots for p in slot.patterns}
    for bucket in buckets.values():
        keys = {
            e.id: 0.5 * abs(e.difficulty - desired)
            - (1.5 if e.pattern in day_patterns else 0.0)  # biceps on pull days, calves on leg days
            + week.rng.random() * JITTER
            for e in bucket
        }
        bucket.sort(key=lambda e: (keys[e.id], e.id))
    order: list[str] = []
    for goal in week.goals:
        order += FILLER_ORDER[goal]
    order += ["small", "interval", "mobility", "steady"]
    result: list[Exercise] = []
    for kind in dict.fromkeys(order):
        result += buckets[kind]
    return result


def _grow(week: _Week, day: _Day) -> None:
    """Add time until the session reaches its aim (never past the upper bound)."""
    aim, upper = _limits(day)
    low_aim = aim - round(day.target * AIM)

    def short() -> bool:
        return day.main_seconds() < low_aim

    # a. Longer rests, up to each role's preferred maximum.
    _shift_rests(day, aim, upper_rest=lambda e: e.rest_high)
    # b. A couple more sets where a muscle group is still under its weekly target.
    for entry in day.entries:
        while (
            short()
            and entry.groups
            and any(week.volume[g] < week.target.get(g, 0) for g in entry.groups)
            and _can_add(week, day, entry, upper, max_sets=entry.base_sets + 2)
        ):
            _add(week, entry)
    # c. Fillers that do not count towards muscle volume (one long steady piece at most).
    taken: Counter[str] = Counter()
    for exercise in _filler_candidates(week, day):
        if not short() or sum(taken.values()) >= MAX_FILLERS:
            break
        kind = _filler_kind(exercise)
        if taken[kind] >= FILLER_LIMITS[kind]:
            continue
        entry = week.entry(exercise, "filler", week.reason(exercise, "filler"))
        gap = aim - day.main_seconds() - MAIN_TRANSITION_SECONDS
        if kind == "steady" and exercise.timed:
            low, high = rules.seconds_window(exercise)
            seconds = min(high, max(low, (gap - entry.rest) // 5 * 5))
            entry.set_reps(Reps(seconds, seconds, True))
            count = 1
        else:
            count = min(entry.base_sets, max(1, gap // max(entry.set_cost, 1)))
        while count > 0 and not _can_add(week, day, entry, upper, count=count):
            count -= 1
        if count:
            _add(week, entry, count)
            day.entries.append(entry)
            taken[kind] += 1
    # d. More filler sets and longer filler work, then the widest rests, then up to 10 sets.
    for max_sets, rest_cap in ((6, None), (10, rules.REST_RANGE[1])):
        for entry in day.entries:
            if entry.is_filler:
                entry.max_sets = max(entry.max_sets, max_sets)
        progress = True
        while short() and progress:
            progress = False
            for entry in day.entries:
                if not short():
                    break
                if entry.is_filler and entry.reps.timed and entry.reps.low < entry.seconds_high:
                    grow = min(entry.seconds_high, entry.reps.low + 30)
                    before = entry.reps
                    entry.set_reps(Reps(grow, grow, True))
                    if day.main_seconds() > upper:
                        entry.set_reps(before)
                    else:
                        progress = True
                        continue
                if entry.is_filler and _can_add(week, day, entry, upper):
                    _add(week, entry)
                    progress = True
        if short() and rest_cap:
            _shift_rests(day, aim, upper_rest=lambda e: rules.REST_RANGE[1])


def _shift_rests(day: _Day, aim: int, upper_rest: Any) -> None:
    """Lengthen rests in 5 s steps, spreading over exercises, until the aim is reached."""
    gap = aim - day.main_seconds()
    ordered = sorted(day.entries, key=lambda e: (-e.sets, e.exercise.id))
    progress = True
    while progress and gap > 0:
        progress = False
        for entry in ordered:
            if gap <= 0:
                return
            if entry.sets and entry.rest + 5 <= upper_rest(entry) and entry.sets * 5 <= gap + 2 * entry.sets:
                entry.rest += 5
                gap -= entry.sets * 5
                progress = True


def _shrink(week: _Week, day: _Day) -> None:
    """Remove time until the session is under its upper bound, keeping weekly floors."""
    aim, upper = _limits(day)

    def over() -> bool:
        return day.main_seconds() > aim + round(day.target * AIM)

    # a. Shorter rests, down to each role's minimum, then to the hard minimum.
    for floor_rest in (lambda e: e.rest_low, lambda e: rules.REST_RANGE[0]):
        progress = True
        while over() and progress:
            progress = False
            for entry in sorted(day.entries, key=lambda e: (-e.sets, e.exercise.id)):
                if over() and entry.rest - 5 >= floor_rest(entry):
                    entry.rest -= 5
                    progress = True
    # b. Fewer filler sets, then fewer sets where every group stays at its floor.
    progress = True
    while over() and progress:
        progress = False
        for entry in reversed(day.entries):
            if not over():
                break
            removable = entry.sets > 1 and all(week.volume[g] - 1 >= week.floor for g in entry.groups)
            if removable:
                entry.sets -= 1
                for group in entry.groups:
                    week.volume[group] -= 1
                progress = True
    # c. Whole exercises whose groups stay at their floor.
    for entry in list(reversed(day.entries)):
        if not over():
            break
        if all(week.volume[g] - entry.sets >= week.floor for g in entry.groups) and len(day.entries) > 1:
            for group in entry.groups:
                week.volume[group] -= entry.sets
            day.entries.remove(entry)
    # d. Drop drills as a last resort.
    while over() and len(day.warmup) > 1:
        day.warmup.pop()
        day.drill_times.pop()
    while over() and len(day.cooldown) > 1:
        day.cooldown.pop()
        day.cooldown_times.pop()


def _fine_tune(day: _Day) -> None:
    """Nudge rests in 5 s steps so the session lands as close to the request as they allow."""
    for _ in range(400):
        gap = day.target - day.total_seconds()
        best: tuple[int, _Entry, int] | None = None
        for entry in day.entries:
            for step in (5, -5):
                rest = entry.rest + step
                if not max(rules.REST_RANGE[0], min(entry.rest_low, entry.rest)) <= rest <= max(
                    entry.rest_high, entry.rest
                ):
                    continue
                new_gap = abs(gap - entry.sets * step)
                if new_gap < abs(gap) and (best is None or new_gap < best[0]):
                    best = (new_gap, entry, step)
        if best is None:
            return
        best[1].rest += best[2]


def _settle(week: _Week, day: _Day) -> None:
    _grow(week, day)
    _shrink(week, day)
    _fine_tune(day)


# --- output -----------------------------------------------------------------------------


def _plan_item(week: _Week, entry: _Entry) -> PlanItem:
    easier, harder = week.catalogue.variations(entry.exercise.id, week.inputs.equipment, week.inputs.injuries)
    return PlanItem(
        exercise_id=entry.exercise.id,
        name=entry.exercise.name,
        sets=entry.sets,
        reps=str(entry.reps),
        rest_seconds=entry.rest,
        rpe=entry.rpe,
        reason=entry.reason,
        easier=easier.id if easier else None,
        harder=harder.id if harder else None,
        progression=progression.rule_for(entry.exercise, entry.reps),
    )


def generate_plan(
    profile: Profile | PlanInputs | Mapping[str, Any],
    request: PlanRequest | Mapping[str, Any] | None = None,
    seed: int = 0,
    *,
    catalogue: Catalogue | None = None,
) -> WeeklyPlan:
    """Build one week of training for a profile (and optional request) from a seed."""
    inputs = coerce_inputs(profile, request)
    week = _Week(inputs, catalogue or load_catalogue(), seed)
    split, templates = splits.split_for(inputs.days_per_week)
    weekdays = schedule.choose_weekdays(inputs.days_per_week, inputs.preferred_weekdays)
    days = [
        _Day(label=label, focus=template.focus, weekday=weekday, slots=_goal_slots(week, template),
             target=inputs.session_minutes * 60)
        for template, label, weekday in zip(templates, _labels(templates), weekdays, strict=True)
    ]
    for day in days:
        _build_day(week, day)
    _ensure_strength_lift(week, days)
    _allocate(week, days)
    for day in days:
        _settle(week, day)
    plan_days = tuple(
        PlanDay(
            name=f"Day {index} \u2014 {day.label}",
            weekday=day.weekday,
            focus=day.focus,
            estimated_minutes=estimated_minutes(day.total_seconds()),
            warmup=tuple(day.warmup),
            exercises=tuple(_plan_item(week, e) for e in day.entries),
            cooldown=tuple(day.cooldown),
        )
        for index, day in enumerate(days, start=1)
    )
    return WeeklyPlan(
        seed=seed,
        split=split,
        inputs=inputs.to_dict(),
        days=plan_days,
        rest_days=schedule.rest_days(weekdays),
    )
