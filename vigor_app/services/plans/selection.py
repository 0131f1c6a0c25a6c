"""Which exercises fill a session: drills, the template's slots, and goal slots.

A slot takes the lowest-scoring exercise from the person's pool (``score``):
- the slot's pattern order (first pattern preferred);
- role fit: main and secondary lifts want compound, counted movements; for a strength goal
  main lifts prefer barbell, then dumbbells, then other loads, and exercises that can be
  done for 6 reps or fewer; accessory slots naming muscles want those primary muscles;
- difficulty near the person's level, loadable work for strength and muscle goals,
  steady work for endurance and intervals for fat loss, focus areas first;
- variety: each earlier use this week costs a little;
- a seeded random jitter, so another seed gives another (equally valid) plan.
Nothing outside the pool (kit, injuries, level) is ever considered; a slot with no
candidate is dropped.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from vigor_app.services.catalogue.exercise import Exercise
from vigor_app.services.plans import progression, splits
from vigor_app.services.plans.draft import DraftDay, DraftEntry, Week
from vigor_app.services.plans.prescription import drill_item, prescribe
from vigor_app.services.plans.soft_limits import MAIN_LIFTS_PER_DAY, fits_day, redundancy_key
from vigor_app.services.vocabulary import STRENGTH_PATTERNS

DESIRED_DIFFICULTY: dict[str, float] = {"beginner": 2.5, "intermediate": 4.5, "advanced": 6.0}
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
JITTER = 2.0
WARMUP_HOLD_SECONDS = 45
COOLDOWN_HOLD_SECONDS = 30


def difficulty_gap(week: Week, exercise: Exercise) -> float:
    return abs(exercise.difficulty - DESIRED_DIFFICULTY[week.level])


def score(
    week: Week, exercise: Exercise, role: str, rank: int, slot_muscles: frozenset[str]
) -> float:
    """Lower is better; see the module docstring."""
    value = rank * 2.0
    if role in ("main", "secondary"):
        value += (0.0 if exercise.is_compound else 5.0) + (3.0 if exercise.timed else 0.0)
        value += 0.6 * difficulty_gap(week, exercise)
        if role == "main" and "strength" in week.goals:
            value += min(STRENGTH_EQUIPMENT_RANK[e] for e in exercise.equipment)
            if exercise.rep_range is None or exercise.rep_range[0] > 6:
                value += 3.0
    else:
        value += 0.3 * difficulty_gap(week, exercise)
    if week.prefers_load and not exercise.equipment_set & progression.LOADABLE:
        value += 1.5
    if slot_muscles:
        value += -4.0 if slot_muscles & set(exercise.primary_muscles) else 2.0
    if exercise.seconds_range and exercise.seconds_range[0] > week.long_work:
        value += 8.0  # a ten-minute walk does not fit a fifteen-minute session
    if role == "conditioning":
        if "endurance" in week.goals and "steady_state" in exercise.tags:
            value -= 2.0
        if "fat_loss" in week.goals and "interval" in exercise.tags:
            value -= 2.0
    if (
        week.focus_muscles & set(exercise.primary_muscles)
        or exercise.pattern in week.focus_patterns
    ):
        value -= 3.0
    value += 2.0 * week.used_week[exercise.id]
    return value + week.rng.random() * JITTER


def pick(
    week: Week,
    patterns: Iterable[str],
    role: str,
    exclude: set[str],
    muscles: Iterable[str] = (),
    accept: Callable[[Exercise], bool] | None = None,
) -> Exercise | None:
    """The best exercise of these patterns for the role, or None when none is available."""
    slot_muscles = frozenset(muscles)
    best: tuple[float, str, Exercise] | None = None
    for rank, pattern in enumerate(patterns):
        for exercise in week.by_pattern.get(pattern, ()):
            if exercise.id in exclude or (accept is not None and not accept(exercise)):
                continue
            key = (score(week, exercise, role, rank, slot_muscles), exercise.id, exercise)
            if best is None or key[:2] < best[:2]:
                best = key
    return best[2] if best else None


def goal_slots(week: Week, template: splits.DayTemplate) -> tuple[splits.Slot, ...]:
    """The template's slots with focus, mobility and conditioning slots right after the main lifts."""
    slots = list(template.slots)
    mains = sum(1 for s in slots if s.role == "main")
    extra: list[splits.Slot] = []
    if week.inputs.focus:
        patterns = tuple(sorted(week.focus_patterns)) or tuple(sorted(STRENGTH_PATTERNS))
        extra.append(splits.Slot("focus", patterns, tuple(sorted(week.focus_muscles))))
    if "mobility" in week.goals:
        extra.append(splits.Slot("mobility", ("mobility",)))
    if {"endurance", "fat_loss"} & set(week.goals):
        extra.append(splits.Slot("conditioning", ("conditioning",)))
    return tuple(slots[:mains] + extra + slots[mains:])


def drill_counts(minutes: int) -> tuple[int, int]:
    """How many warm-up and cool-down drills a session of this length gets."""
    warm = 2 if minutes <= 20 else 3 if minutes <= 40 else 4 if minutes <= 75 else 5
    cool = 1 if minutes <= 20 else 2 if minutes <= 45 else 3
    return warm, cool


def _drills(week: Week, tag: str, count: int, lead_pattern: str | None) -> list[Exercise]:
    """Random drills with this tag; a warm-up opens with one pulse-raiser when there is one."""
    candidates = [e for e in week.pool if tag in e.tags]
    week.rng.shuffle(candidates)
    chosen = [e for e in candidates if e.pattern == lead_pattern][:1] if lead_pattern else []
    for exercise in candidates:
        if len(chosen) >= count:
            break
        if exercise not in chosen and exercise.pattern != "conditioning":
            chosen.append(exercise)
    return chosen


def build_day(week: Week, day: DraftDay) -> None:
    """Choose the day's warm-up, cool-down and one exercise per slot (sets come later)."""
    warm_count, cool_count = drill_counts(week.inputs.session_minutes)
    for exercise in _drills(week, "warmup", warm_count, "conditioning"):
        item, time = drill_item(exercise, WARMUP_HOLD_SECONDS)
        day.warmup.append(item)
        day.warmup_times.append(time)
    for exercise in _drills(week, "cooldown", cool_count, None):
        item, time = drill_item(exercise, COOLDOWN_HOLD_SECONDS)
        day.cooldown.append(item)
        day.cooldown_times.append(time)

    def in_focus(e: Exercise) -> bool:
        return e.pattern in week.focus_patterns or bool(week.focus_muscles & set(e.primary_muscles))

    used: set[str] = set()
    for slot in day.slots:
        leading = sum(1 for e in day.entries if e.is_lift) < MAIN_LIFTS_PER_DAY

        def accept(e: Exercise, slot: splits.Slot = slot, leading: bool = leading) -> bool:
            if slot.role == "focus" and not in_focus(e):
                return False
            if leading and not week.leads(e):
                return False
            return day.welcomes(e)

        chosen = pick(week, slot.patterns, slot.role, used, slot.muscles, accept)
        if chosen is None:
            continue  # nothing safe and available for this slot: drop it
        used.add(chosen.id)
        week.used_week[chosen.id] += 1
        day.entries.append(prescribe(week, chosen, slot.role))


def is_heavy_compound(exercise: Exercise) -> bool:
    """A barbell or dumbbell compound lift that can be done for 6 reps or fewer."""
    return (
        exercise.is_compound
        and bool(exercise.equipment_set & FREE_WEIGHTS)
        and exercise.rep_range is not None
        and exercise.rep_range[0] <= 6
    )


def ensure_strength_lift(week: Week, days: list[DraftDay]) -> None:
    """Strength goal: swap the first main lift for a heavy compound when the week has none."""
    if "strength" not in week.goals:
        return
    if any(is_heavy_compound(e.exercise) for day in days for e in day.entries if e.role == "main"):
        return
    for day in days:
        for index, entry in enumerate(day.entries):
            if entry.role != "main":
                continue
            slot = next(
                (s for s in day.slots if s.role == "main" and entry.exercise.pattern in s.patterns),
                None,
            )
            patterns = slot.patterns if slot else (entry.exercise.pattern,)
            exclude = day.used_ids()

            def heavy_lead(e: Exercise, day: DraftDay = day, entry: DraftEntry = entry) -> bool:
                return is_heavy_compound(e) and week.leads(e) and day.welcomes(e, instead_of=entry)

            def heavy(e: Exercise, day: DraftDay = day) -> bool:
                return is_heavy_compound(e) and fits_day(day.fitting, e)

            every = tuple(sorted(STRENGTH_PATTERNS))
            exercise = (
                pick(week, patterns, "main", exclude, (), heavy_lead)
                or pick(week, every, "main", exclude, (), heavy_lead)
                or pick(week, every, "main", exclude, (), heavy)
            )
            if exercise is not None:
                week.used_week[entry.exercise.id] -= 1
                week.used_week[exercise.id] += 1
                day.entries[index] = prescribe(week, exercise, "main")
                # The heavy lift wins: an exercise of the day that repeats it makes way.
                key = redundancy_key(exercise)
                day.entries = [
                    e
                    for e in day.entries
                    if e is day.entries[index] or key is None or redundancy_key(e.exercise) != key
                ]
            return
