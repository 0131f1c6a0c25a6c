"""How the engine prescribes an exercise: reps, rest, effort and sets from role and goals.

Rules:
- A slot's role picks a *kind* (main, secondary, accessory) and the kind picks the goal
  whose scheme applies (``SCHEME_PRIORITY``): with strength and muscle gain together, main
  lifts train strength and accessories train size.
- Reps: the scheme's window squeezed into ``rules.rep_window`` (goal, level, exercise);
  when they do not overlap, the narrow end of the allowed range nearest to the scheme.
  Strength main lifts get one fixed low number (3-6 by level). Timed work gets seconds
  within the exercise's range, longer for higher levels and for endurance goals.
- Rest: the scheme's window, shortened for short sessions (``Week.rest_scale``), never
  outside 30-300 s. Effort: the scheme's RPE shifted by level and intensity, capped by
  level. Sets: the scheme's sets shifted by intensity (and level for main lifts).
- Conditioning is prescribed as intervals or one steady bout; mobility as easy sets.
"""

from __future__ import annotations

from dataclasses import dataclass

from vigor_app.services.catalogue.exercise import Exercise
from vigor_app.services.plans import rules
from vigor_app.services.plans.draft import DraftEntry, Week
from vigor_app.services.plans.timing import ItemTime, Reps, work_seconds
from vigor_app.services.plans.weekly_plan import DrillItem


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
STRENGTH_MAIN_REPS: dict[str, tuple[int, int]] = {
    "beginner": (5, 6),
    "intermediate": (4, 6),
    "advanced": (3, 5),
}
SCHEME_PRIORITY: dict[str, tuple[str, ...]] = {
    "main": ("strength", "muscle_gain", "general_fitness", "fat_loss", "endurance", "mobility"),
    "secondary": (
        "muscle_gain",
        "strength",
        "general_fitness",
        "fat_loss",
        "endurance",
        "mobility",
    ),
    "accessory": (
        "muscle_gain",
        "general_fitness",
        "fat_loss",
        "endurance",
        "strength",
        "mobility",
    ),
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
LEVEL_TIME_POSITION: dict[str, float] = {"beginner": 0.25, "intermediate": 0.5, "advanced": 0.75}
FALLBACK_SPAN = 2
MAX_MAIN_SETS = 5  # soft rules: 2-5 working sets per lift, 3-5 for a main lift
MIN_MAIN_SETS = 3
# A focus area's own exercise gets a set more than other accessories.
FOCUS_EXTRA_SETS = 1
INTERVAL_MAX_SETS = 8
MOBILITY_MAX_SETS = 4

GOAL_PHRASE: dict[str, str] = {
    "strength": "low reps and long rests build strength",
    "muscle_gain": "moderate reps close to failure build muscle",
    "general_fitness": "balanced reps for all-round fitness",
    "fat_loss": "brisk sets with short rests keep the work rate high",
    "endurance": "higher reps and short rests build stamina",
    "mobility": "controlled reps through a full range of motion",
}


def round5(value: float) -> int:
    return int(round(value / 5.0) * 5)


def scheme_goal(week: Week, kind: str) -> str:
    return next((g for g in SCHEME_PRIORITY[kind] if g in week.goals), "general_fitness")


def _rest_window(week: Week, rest: tuple[int, int]) -> tuple[int, int]:
    low = max(rules.REST_RANGE[0], round5(rest[0] * week.rest_scale))
    high = max(low, min(rules.REST_RANGE[1], round5(rest[1] * week.rest_scale)))
    return low, high


def _rpe(week: Week, base: float) -> float:
    value = base + LEVEL_RPE_SHIFT[week.level] + INTENSITY_RPE_SHIFT[week.inputs.intensity]
    value = min(max(value, rules.RPE_MIN), rules.RPE_MAX[week.level])
    return round(value * 2) / 2


def _seconds(exercise: Exercise, position: float) -> Reps:
    low, high = rules.seconds_window(exercise)
    value = min(max(round5(low + (high - low) * position), low), high)
    return Reps(value, value, True)


def count_reps(week: Week, exercise: Exercise, preferred: tuple[int, int]) -> tuple[int, int]:
    """The preferred window squeezed inside the allowed one (``rules.rep_window``)."""
    low, high = rules.rep_window(exercise, week.goals, week.level)
    a, b = max(preferred[0], low), min(preferred[1], high)
    if a <= b:
        return a, b
    if preferred[1] < low:
        return low, min(high, low + FALLBACK_SPAN)
    return max(low, high - FALLBACK_SPAN), high


def prescribe(week: Week, exercise: Exercise, role: str) -> DraftEntry:
    """An exercise prescribed for a slot role under the person's goals (no sets yet)."""
    intensity_sets = INTENSITY_SETS_SHIFT[week.inputs.intensity]
    if exercise.pattern == "conditioning":
        steady = "steady_state" in exercise.tags
        scheme = STEADY_SCHEME if steady else INTERVAL_SCHEME
        if exercise.timed:
            position = 0.0 if steady else LEVEL_TIME_POSITION[week.level]
            if "endurance" in week.goals and not steady:
                position = min(1.0, position + 0.25)
            reps = _seconds(exercise, position)
        else:
            reps = Reps(*count_reps(week, exercise, scheme.reps), False)
        sets = max(1, scheme.sets + (0 if steady else intensity_sets))
        max_sets = 2 if steady else INTERVAL_MAX_SETS
    elif exercise.pattern == "mobility":
        scheme = MOBILITY_SCHEME
        reps = (
            _seconds(exercise, 0.5)
            if exercise.timed
            else Reps(*count_reps(week, exercise, scheme.reps), False)
        )
        sets, max_sets = scheme.sets, MOBILITY_MAX_SETS
    else:
        kind = ROLE_KIND[role]
        goal = scheme_goal(week, kind)
        scheme = SCHEMES[(goal, kind)]
        if exercise.timed:
            position = LEVEL_TIME_POSITION[week.level]
            if goal in ("endurance", "fat_loss"):
                position = min(1.0, position + 0.25)
            reps = _seconds(exercise, position)
        elif goal == "strength" and kind == "main":
            preferred = STRENGTH_MAIN_REPS[week.level]
            low, high = count_reps(week, exercise, preferred)
            fixed = week.rng.randint(low, high) if high <= preferred[1] else low
            reps = Reps(fixed, fixed, False)
        else:
            reps = Reps(*count_reps(week, exercise, scheme.reps), False)
        shift = intensity_sets + (LEVEL_SETS_SHIFT[week.level] if kind == "main" else 0)
        shift += FOCUS_EXTRA_SETS if role == "focus" else 0
        sets = min(MAX_MAIN_SETS, max(MIN_MAIN_SETS if kind == "main" else 2, scheme.sets + shift))
        max_sets = sets
    rest_low, rest_high = _rest_window(week, scheme.rest)
    return DraftEntry(
        exercise=exercise,
        role=role,
        reason=reason_for(week, exercise, role),
        reps=reps,
        rest=rest_low,
        rest_low=rest_low,
        rest_high=rest_high,
        rpe=_rpe(week, scheme.rpe),
        base_sets=sets,
        max_sets=max_sets,
        seconds_high=rules.seconds_window(exercise)[1] if exercise.timed else 0,
    )


def reason_for(week: Week, exercise: Exercise, role: str) -> str:
    """One line telling the person why this exercise is in their plan."""
    pattern = exercise.pattern.replace("_", " ")
    if role in ("main", "secondary"):
        goal = scheme_goal(week, ROLE_KIND[role])
        lead = "Main" if role == "main" else "Second"
        if (
            not exercise.is_compound
        ):  # chosen because no compound lift fits the equipment or injuries
            muscles = ", ".join(exercise.primary_muscles).replace("_", " ")
            return (
                f"{lead} exercise for your {muscles} today, the best fit for your equipment and "
                f"injuries: {GOAL_PHRASE[goal]}."
            )
        return f"{lead} {pattern} movement: {GOAL_PHRASE[goal]}."
    if role == "focus":
        wanted = sorted(
            set(week.inputs.focus) & (set(exercise.primary_muscles) | {exercise.pattern})
        )
        return f"Extra work for your focus on {', '.join(wanted).replace('_', ' ') or 'your chosen areas'}."
    if role == "core":
        return "Trunk strength and control protect your back in every other lift."
    if role == "carry":
        return "Loaded walking builds grip and a stiff, stable trunk."
    if role == "conditioning":
        goal = next((g for g in ("endurance", "fat_loss") if g in week.goals), "general_fitness")
        return f"Conditioning for your {goal.replace('_', ' ')} goal."
    if role == "mobility":
        return "Mobility work in the main part, for your mobility goal."
    if role == "coverage":
        groups = ", ".join(sorted(exercise.groups)).replace("_", " ")
        return f"Keeps {groups} trained this week."
    if role == "filler":
        what = {"conditioning": "conditioning", "mobility": "mobility"}.get(
            exercise.pattern, "small-muscle work"
        )
        return (
            f"Extra {what} to use the time you asked for without overloading the big muscle groups."
        )
    muscles = ", ".join(exercise.primary_muscles).replace("_", " ")
    return f"Accessory work for {muscles}."


def drill_item(exercise: Exercise, hold: int) -> tuple[DrillItem, ItemTime]:
    """A warm-up or cool-down drill: one set, the bottom of its reps or ``hold`` seconds."""
    if exercise.timed:
        low, high = rules.seconds_window(exercise)
        seconds = min(max(hold, low), high)
        reps = Reps(seconds, seconds, True)
    else:
        low = exercise.rep_range[0] if exercise.rep_range else 10
        reps = Reps(low, low, False)
    return DrillItem(exercise.id, exercise.name, 1, str(reps)), ItemTime(
        1, work_seconds(reps, exercise.unilateral)
    )
