"""The numbers of the soft rules (what a strength coach expects of a week), and the order
of "most effective" main lifts. ``soft_rules`` applies them to a plan.

Weekly volume per major muscle (``volume_floor`` / ``volume_ceiling``) is counted over
``SOFT_MUSCLES``: a set counts 1 for a muscle among the exercise's primary muscles and ½
for one among its secondary muscles (once per exercise, the larger share). The floors:

- a *lifting goal* (strength or muscle gain) at a full week (``FULL_WEEK_MINUTES``,
  3 × 45 min) or more: 8 sets; from ``LONG_WEEK_MINUTES`` (4 × 60 min) muscle gain raises it
  to 8 / 10 / 12 for beginner / intermediate / advanced (strength's "6+" is below 8);
- other goals only: 4 / 5 / 6 by level (the issue's "at least 4–6");
- shorter weeks: the full-week floor × minutes ÷ 135, rounded down, at least 1.

The ceilings: muscle gain from 4 × 60 min 14 / 20 / 22 by level; otherwise, and always,
``MUSCLE_CEILING`` (25).

Main lifts (``lift_tier``, ``dominates``): among compound, counted (not timed) exercises of
the same pattern, better is, in this order, (1) the load it takes: barbell, then the
other loadable kit (dumbbells, kettlebells, cable, machines, a pull-up bar), then
bodyweight, bands or bench alone (``LOAD_CLASS``); (2) bilateral before unilateral;
(3) heavy-capable (its ``rep_range`` starts at ``HEAVY_REPS`` or fewer) first; (4) its first
primary muscle is a major muscle (a close-grip bench press, triceps first, ranks below a
bench press). Exercises equal on all four are equally good (variety is allowed), except
that one is *dominated* by another of the same pattern, load class and primary muscles
whose rep range strictly contains its own (the bench press, 3–10, over the floor press,
3–8; the back squat, 3–10, over the box squat, 3–8).
"""

from __future__ import annotations

from vigor_app.services.catalogue.exercise import Exercise
from vigor_app.services.vocabulary import STRENGTH_PATTERNS

# Sets per exercise.
LIFT_SETS: tuple[int, int] = (2, 5)
MAIN_LIFT_SETS: tuple[int, int] = (3, 5)
STRENGTH_MAIN_REPS: tuple[int, int] = (1, 6)
# The day's main lifts are its first strength items (the day templates open with two).
MAIN_LIFTS_PER_DAY = 2
# Patterns whose lead items are main lifts judged by ``lift_tier``.
LIFT_PATTERNS: frozenset[str] = STRENGTH_PATTERNS - {"carry", "core"}

# Weekly volume: soft muscle -> the catalogue muscles it stands for.
SOFT_MUSCLES: dict[str, frozenset[str]] = {
    "chest": frozenset({"chest"}),
    "back": frozenset({"back", "lats"}),
    "quads": frozenset({"quads"}),
    "hamstrings": frozenset({"hamstrings"}),
    "glutes": frozenset({"glutes"}),
    "shoulders": frozenset({"shoulders"}),
}
FULL_WEEK_MINUTES = 3 * 45
LONG_WEEK_MINUTES = 4 * 60
LIFTING_GOALS = frozenset({"strength", "muscle_gain"})
LIFTING_FLOOR = 8
MUSCLE_GAIN_FLOOR: dict[str, int] = {"beginner": 8, "intermediate": 10, "advanced": 12}
MUSCLE_GAIN_CEILING: dict[str, int] = {"beginner": 14, "intermediate": 20, "advanced": 22}
OTHER_GOALS_FLOOR: dict[str, int] = {"beginner": 4, "intermediate": 5, "advanced": 6}
MUSCLE_CEILING = 25

# Balance of weekly sets.
PUSH_PATTERNS = frozenset({"horizontal_push", "vertical_push"})
PULL_PATTERNS = frozenset({"horizontal_pull", "vertical_pull"})
KNEE_PATTERNS = frozenset({"squat", "lunge"})
HINGE_PATTERNS = frozenset({"hinge"})
PUSH_PULL_RATIO: tuple[float, float] = (0.67, 1.5)
KNEE_HINGE_RATIO: tuple[float, float] = (0.5, 2.0)

# Day focus, read from the day's name: which strength patterns fit it.
LOWER = frozenset({"squat", "hinge", "lunge"})
UPPER = PUSH_PATTERNS | PULL_PATTERNS
FOCUS_PATTERNS: dict[str, frozenset[str]] = {
    "upper": UPPER,
    "lower": LOWER,
    "legs": LOWER,
    "push": PUSH_PATTERNS,
    "pull": PULL_PATTERNS | HINGE_PATTERNS,
}
# Patterns that fit every day (trunk, carries, conditioning, mobility).
ANY_DAY_PATTERNS = frozenset({"core", "carry", "conditioning", "mobility"})

# Main lifts.
LOAD_CLASS: dict[str, int] = {
    "barbell": 0,
    "dumbbells": 1,
    "kettlebells": 1,
    "cable_machine": 1,
    "machines": 1,
    "pull_up_bar": 1,
}
UNLOADED_CLASS = 2
HEAVY_REPS = 5
MAJOR_MUSCLES = frozenset().union(*SOFT_MUSCLES.values())


def weekly_minutes(days_per_week: int, session_minutes: int) -> int:
    return days_per_week * session_minutes


def volume_floor(goals: tuple[str, ...], level: str, minutes: int) -> int:
    """Weekly sets every trainable soft muscle should get."""
    lifting = bool(LIFTING_GOALS & set(goals))
    full = LIFTING_FLOOR if lifting else OTHER_GOALS_FLOOR[level]
    if minutes < FULL_WEEK_MINUTES:
        return max(1, full * minutes // FULL_WEEK_MINUTES)
    if minutes >= LONG_WEEK_MINUTES and "muscle_gain" in goals:
        return max(full, MUSCLE_GAIN_FLOOR[level])
    return full


def volume_ceiling(goals: tuple[str, ...], level: str, minutes: int) -> int:
    if minutes >= LONG_WEEK_MINUTES and goals == ("muscle_gain",):
        return MUSCLE_GAIN_CEILING[level]
    return MUSCLE_CEILING


def muscle_share(exercise: Exercise, muscles: frozenset[str]) -> float:
    """What one set of the exercise counts for these muscles: 1 primary, ½ secondary, else 0."""
    if muscles & set(exercise.primary_muscles):
        return 1.0
    if muscles & set(exercise.secondary_muscles):
        return 0.5
    return 0.0


def kind(exercise: Exercise) -> str:
    """The exercise's type for redundancy and variations: compound, isolation or other."""
    if exercise.is_compound:
        return "compound"
    return "isolation" if "isolation" in exercise.tags else "other"


def is_candidate_lift(exercise: Exercise) -> bool:
    return exercise.is_compound and not exercise.timed and exercise.pattern in LIFT_PATTERNS


def lift_tier(exercise: Exercise) -> tuple[int, int, int, int]:
    """Smaller is better; see the module docstring. Non-candidates rank last."""
    if not is_candidate_lift(exercise):
        return (UNLOADED_CLASS + 1, 1, 1, 1)
    load = min((LOAD_CLASS.get(e, UNLOADED_CLASS) for e in exercise.equipment), default=2)
    low = exercise.rep_range[0] if exercise.rep_range else HEAVY_REPS + 1
    return (
        load,
        int(exercise.unilateral),
        int(low > HEAVY_REPS),
        int(exercise.primary_muscles[0] not in MAJOR_MUSCLES),
    )


def dominates(better: Exercise, worse: Exercise) -> bool:
    """``better`` is the fuller version of ``worse`` (same pattern, load, muscles, wider reps)."""
    if not (is_candidate_lift(better) and is_candidate_lift(worse)):
        return False
    if better.pattern != worse.pattern or lift_tier(better) != lift_tier(worse):
        return False
    if set(better.primary_muscles) != set(worse.primary_muscles):
        return False
    assert better.rep_range is not None and worse.rep_range is not None
    (b_low, b_high), (w_low, w_high) = better.rep_range, worse.rep_range
    return b_low <= w_low and w_high <= b_high and (b_low, b_high) != (w_low, w_high)
