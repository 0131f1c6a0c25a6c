"""The hard limits every plan must respect, whoever wrote it (engine or LLM).

Limits:
- sets per exercise: 1-10; rest between sets of a main exercise: 30-300 s.
- target effort (RPE): 3 up to a level cap (beginner 8, intermediate 9, advanced 10).
- reps: see ``rep_window`` - the goal windows below, the level's minimum reps, and the
  exercise's own catalogue range; timed sets stay within the exercise's seconds range.
- weekly hard sets per major muscle group (``vocabulary.MAJOR_GROUPS``): every group the
  person can train at all gets at least ``volume_floor`` sets, and no group more than
  ``VOLUME_CAP`` sets. Only main-part sets of strength patterns count, once per group
  touched by a primary muscle; conditioning, mobility, warm-up and cool-down do not.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from vigor_app.services.catalogue.exercise import Exercise

SETS_RANGE: tuple[int, int] = (1, 10)
REST_RANGE: tuple[int, int] = (30, 300)
RPE_MIN = 3.0
RPE_MAX: dict[str, float] = {"beginner": 8.0, "intermediate": 9.0, "advanced": 10.0}

# The fewest reps per set a level should do (heavy triples are not for beginners).
LEVEL_MIN_REPS: dict[str, int] = {"beginner": 5, "intermediate": 3, "advanced": 1}
# Reps that make sense for each goal; with several goals their union applies.
GOAL_REP_WINDOWS: dict[str, tuple[int, int]] = {
    "strength": (1, 12),
    "muscle_gain": (5, 20),
    "fat_loss": (8, 25),
    "endurance": (10, 30),
    "mobility": (5, 20),
    "general_fitness": (5, 20),
}
# Patterns judged by the exercise's own range only (drills and conditioning work).
OWN_RANGE_PATTERNS = frozenset({"conditioning", "mobility"})

# Weekly hard sets per major muscle group.
VOLUME_FLOOR: dict[str, int] = {"beginner": 4, "intermediate": 6, "advanced": 8}
# The cap counts a group once per exercise, and glutes_hamstrings is two muscles that every
# squat and hinge trains, so it must hold both muscles' soft floors (8-12 sets each, see
# ``soft_limits``); each single muscle is held to its soft ceiling (at most 25).
VOLUME_CAP: dict[str, int] = {"beginner": 24, "intermediate": 28, "advanced": 32}
# Short weeks cannot hold the full floor: it is lowered to one set per 30 training minutes.
MINUTES_PER_FLOOR_SET = 30


def volume_floor(level: str, days_per_week: int, session_minutes: int) -> int:
    """Weekly minimum sets for every trainable major group (at least 1)."""
    by_time = (days_per_week * session_minutes) // MINUTES_PER_FLOOR_SET
    return max(1, min(VOLUME_FLOOR[level], by_time))


def volume_cap(level: str) -> int:
    return VOLUME_CAP[level]


def rep_window(exercise: Exercise, goals: Iterable[str], level: str) -> tuple[int, int]:
    """The reps per set allowed for this exercise, goals and level (for counted exercises).

    The goal windows' union, raised to the level's minimum, intersected with the
    exercise's range. When that is empty the exercise's range (above the level minimum
    where possible) governs: a glute bridge stays a glute bridge even for a strength goal.
    """
    assert exercise.rep_range is not None, "timed exercises have a seconds range instead"
    ex_low, ex_high = exercise.rep_range
    if exercise.pattern in OWN_RANGE_PATTERNS:
        return ex_low, ex_high
    windows = [GOAL_REP_WINDOWS[g] for g in goals] or [GOAL_REP_WINDOWS["general_fitness"]]
    floor = LEVEL_MIN_REPS[level]
    low = max(min(w[0] for w in windows), floor, ex_low)
    high = min(max(w[1] for w in windows), ex_high)
    if low <= high:
        return low, high
    low = max(ex_low, floor)
    return (low, ex_high) if low <= ex_high else (ex_low, ex_high)


def seconds_window(exercise: Exercise) -> tuple[int, int]:
    assert exercise.seconds_range is not None, "only timed exercises have a seconds range"
    return exercise.seconds_range


def weekly_hard_sets(entries: Iterable[tuple[Exercise, int]]) -> Counter[str]:
    """Hard sets per major group from (exercise, sets) pairs of the main parts of a week."""
    volume: Counter[str] = Counter()
    for exercise, sets in entries:
        for group in exercise.groups:
            volume[group] += sets
    return volume


def trainable_groups(pool: Iterable[Exercise]) -> frozenset[str]:
    """Major groups at least one of these (available) exercises trains."""
    groups: set[str] = set()
    for exercise in pool:
        groups |= exercise.groups
    return frozenset(groups)
