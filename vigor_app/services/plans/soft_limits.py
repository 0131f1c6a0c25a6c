"""The numbers of the soft rules (what a strength coach expects of a week), and the order
of "most effective" main lifts. ``soft_rules`` applies them to a plan.

Weekly volume per major muscle (``volume_floor`` / ``volume_ceiling``) is counted over
``SOFT_MUSCLES``: a set counts 1 for a muscle among the exercise's primary muscles and ½
for one among its secondary muscles (once per exercise, the larger share). The floors:

- a *lifting goal* (strength or muscle gain) at a full week (``FULL_WEEK_MINUTES``,
  3 × 45 min) or more: 8 sets; from ``LONG_WEEK_MINUTES`` (4 × 60 min) muscle gain raises it
  to 8 / 10 / 12 for beginner / intermediate / advanced (strength's "6+" is below 8);
- other goals only: 4 / 5 / 6 by level (the issue's "at least 4–6");
- shorter weeks: the full-week floor × minutes ÷ 135, rounded down, at least 1;
- a lifting goal beside endurance, fat loss or mobility (or general fitness) shares the
  week: its floor is judged on the week's minutes × lifting goals ÷ all goals, and is
  never below the other goals' floor (strength + endurance + mobility at 3 × 46 min has
  46 lifting minutes: floor max(4, 8 × 46 ÷ 135) = 4).

The ceilings: muscle gain from 4 × 60 min 14 / 20 / 22 by level; otherwise, and always,
``MUSCLE_CEILING`` (25). The glutes, which every squat, lunge and hinge trains, are held to
25 only (``volume_ceiling``).

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

from collections.abc import Iterable

from vigor_app.services.catalogue.exercise import Exercise
from vigor_app.services.vocabulary import STRENGTH_PATTERNS

# Sets per exercise.
LIFT_SETS: tuple[int, int] = (2, 5)
MAIN_LIFT_SETS: tuple[int, int] = (3, 5)
STRENGTH_MAIN_REPS: tuple[int, int] = (1, 6)
# Sessions shorter than this cannot hold 3 + 2 + 2 working sets and a warm-up: their lifts
# may have a single set (the upper limits still apply).
SHORT_SESSION_MINUTES = 30
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
# Muscles that squats and hinges both train as a primary muscle (see ``volume_ceiling``).
GLUTE_SHARERS = frozenset({"glutes"})

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
    """Weekly sets every trainable soft muscle should get (see the module docstring)."""
    other = _scaled(OTHER_GOALS_FLOOR[level], minutes)
    lifting = LIFTING_GOALS & set(goals)
    if not lifting:
        return other
    # Endurance, fat-loss or mobility goals beside it take their share of the week.
    lifting_minutes = minutes * len(lifting) // len(goals)
    if lifting_minutes < FULL_WEEK_MINUTES:
        return max(other, _scaled(LIFTING_FLOOR, lifting_minutes))
    if lifting_minutes >= LONG_WEEK_MINUTES and "muscle_gain" in goals:
        return max(LIFTING_FLOOR, MUSCLE_GAIN_FLOOR[level])
    return LIFTING_FLOOR


def _scaled(full: int, minutes: int) -> int:
    """A full-week floor for a week of these minutes: in proportion under 3 x 45, at least 1."""
    if minutes >= FULL_WEEK_MINUTES:
        return full
    return max(1, full * minutes // FULL_WEEK_MINUTES)


def volume_ceiling(goals: tuple[str, ...], level: str, minutes: int, muscle: str = "") -> int:
    """Weekly sets a soft muscle may get at most.

    The glutes are a primary mover of every squat, lunge and hinge in the catalogue, so
    their count is about the quads' and the hamstrings' together: they are held only to
    ``MUSCLE_CEILING``, not to muscle gain's per-muscle ceiling (a beginner's 8 + 8 quads
    and hamstrings floors already pass its 14).
    """
    if minutes >= LONG_WEEK_MINUTES and goals == ("muscle_gain",) and muscle not in GLUTE_SHARERS:
        return MUSCLE_GAIN_CEILING[level]
    return MUSCLE_CEILING


def trainable_muscles(pool: Iterable[Exercise]) -> frozenset[str]:
    """Soft muscles some strength exercise of the pool trains as a primary muscle (only
    these have a floor: an injury that takes out every chest exercise takes the chest's)."""
    found: set[str] = set()
    for exercise in pool:
        if exercise.pattern in STRENGTH_PATTERNS:
            found |= {
                m for m, members in SOFT_MUSCLES.items() if members & set(exercise.primary_muscles)
            }
    return frozenset(found)


def muscle_share(exercise: Exercise, muscles: frozenset[str]) -> float:
    """What one set of the exercise counts for these muscles: 1 primary, ½ secondary, else 0."""
    if muscles & set(exercise.primary_muscles):
        return 1.0
    if muscles & set(exercise.secondary_muscles):
        return 0.5
    return 0.0


def kind(exercise: Exercise) -> str:
    """The exercise's type for redundancy and variations: compound, isolation or other."""
    return exercise.kind


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


def top_lifts(pool: Iterable[Exercise], pattern: str) -> frozenset[str] | None:
    """Ids of the most effective main lifts of a pattern in this pool (best tier, undominated).

    None when the pool has no candidate lift of the pattern (then any exercise may lead).
    """
    rivals = [e for e in pool if e.pattern == pattern and is_candidate_lift(e)]
    if not rivals:
        return None
    best = min(lift_tier(e) for e in rivals)
    return frozenset(
        e.id
        for e in rivals
        if lift_tier(e) == best and not any(dominates(other, e) for other in rivals)
    )


def redundancy_key(exercise: Exercise) -> tuple[str, str, str] | None:
    """Two exercises of one day with the same key repeat each other (None: never redundant)."""
    if exercise.pattern not in STRENGTH_PATTERNS or not exercise.primary_muscles:
        return None
    return (exercise.pattern, exercise.primary_muscles[0], kind(exercise))


def day_fit(day_name: str) -> frozenset[str] | None:
    """The strength patterns a day's name allows (Upper, Lower, Legs, Push, Pull); None: any."""
    words = day_name.casefold().replace("\u2014", " ").split()
    return next((FOCUS_PATTERNS[w] for w in words if w in FOCUS_PATTERNS), None)


def fits_day(fitting: frozenset[str] | None, exercise: Exercise) -> bool:
    return fitting is None or exercise.pattern in ANY_DAY_PATTERNS or exercise.pattern in fitting


def ratio_ok(top: float, bottom: float, bounds: tuple[float, float]) -> bool:
    """Whether ``top:bottom`` lies within ``bounds`` (both zero is fine)."""
    if top == 0 and bottom == 0:
        return True
    if bottom == 0:
        return False
    return bounds[0] <= top / bottom <= bounds[1]


# The two balances: (rule, top patterns, bottom patterns, bounds).
BALANCES: tuple[tuple[str, frozenset[str], frozenset[str], tuple[float, float]], ...] = (
    ("push_pull", PUSH_PATTERNS, PULL_PATTERNS, PUSH_PULL_RATIO),
    ("squat_hinge", KNEE_PATTERNS, HINGE_PATTERNS, KNEE_HINGE_RATIO),
)
# A balance is judged only when the person can train both sides: an injury (or a kit) that
# leaves fewer than this many counted exercises on one side leaves nothing to balance with,
# and cutting the other side to match would only take training away (``balance_judged``).
MIN_SIDE_EXERCISES = 3
# A focus the person asked for may tilt a balance toward its side (a quads focus brings more
# squats and lunges than hinges): the muscles that stand for each side (``focus_tilt``).
BALANCE_FOCUS: dict[str, tuple[frozenset[str], frozenset[str]]] = {
    "push_pull": (frozenset({"chest", "shoulders", "triceps"}), frozenset({"back", "lats", "biceps"})),
    "squat_hinge": (frozenset({"quads"}), frozenset({"hamstrings", "glutes", "lower_back"})),
}
# How a balance's two sides read in a message.
BALANCE_SIDES: dict[str, tuple[str, str]] = {
    "push_pull": ("push", "pull"),
    "squat_hinge": ("squat and lunge", "hinge"),
}


def side_exercises(pool: Iterable[Exercise], patterns: frozenset[str]) -> int:
    """Counted (not timed) exercises of these patterns in the pool."""
    return sum(1 for e in pool if e.pattern in patterns and not e.timed)


def balance_judged(pool: Iterable[Exercise], top: frozenset[str], bottom: frozenset[str]) -> bool:
    """Whether the pool leaves both sides of a balance trainable (``MIN_SIDE_EXERCISES``)."""
    pool = tuple(pool)
    return min(side_exercises(pool, top), side_exercises(pool, bottom)) >= MIN_SIDE_EXERCISES


def focus_tilt(rule: str, top: frozenset[str], bottom: frozenset[str], focus: Iterable[str]) -> str:
    """"top" or "bottom" when the person's focus asks for one side of a balance (a pattern of
    it or a muscle that stands for it), "" when it asks for neither or both."""
    focus = set(focus)
    top_muscles, bottom_muscles = BALANCE_FOCUS[rule]
    wants_top = bool(focus & (top | top_muscles))
    wants_bottom = bool(focus & (bottom | bottom_muscles))
    return "top" if wants_top and not wants_bottom else "bottom" if wants_bottom and not wants_top else ""
