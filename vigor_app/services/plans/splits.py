"""Weekly splits and their day templates.

The split follows the number of days: 2-3 full body, 4 upper/lower, 5 push/pull/legs plus
upper and lower, 6 push/pull/legs twice. Labels repeat across a split ("Upper", "Upper");
the engine letters them A, B, C.

A day template is an ordered list of slots; the engine fills slots in order while the
session has time, so the first slots are the ones that matter most (main lifts first,
then secondary lifts, core, accessories, carries).

Accessory slots may name muscles; the engine then prefers exercises whose primary muscles
include them (isolation work is filed in the catalogue under its nearest pattern: curls
under vertical pull, triceps extensions under the pushes, calf raises under squat).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Slot:
    role: str  # main | secondary | accessory | core | carry | conditioning | mobility | focus
    patterns: tuple[str, ...]
    muscles: tuple[str, ...] = ()


@dataclass(frozen=True)
class DayTemplate:
    label: str
    focus: str
    slots: tuple[Slot, ...]


def _s(role: str, patterns: str, muscles: str = "") -> Slot:
    return Slot(role, tuple(patterns.split()), tuple(muscles.split()))


FULL_BODY_A = DayTemplate(
    "Full body",
    "Full body: squat, horizontal push and pull, hinge",
    (
        _s("main", "squat lunge"),
        _s("main", "horizontal_push vertical_push"),
        _s("secondary", "horizontal_pull vertical_pull"),
        _s("secondary", "hinge"),
        _s("accessory", "vertical_push", "shoulders"),
        _s("core", "core"),
        _s("accessory", "lunge squat", "glutes quads"),
        _s("accessory", "vertical_pull horizontal_pull", "biceps"),
        _s("carry", "carry"),
    ),
)
FULL_BODY_B = DayTemplate(
    "Full body",
    "Full body: hinge, vertical push and pull, single-leg work",
    (
        _s("main", "hinge"),
        _s("main", "vertical_pull horizontal_pull"),
        _s("secondary", "vertical_push horizontal_push"),
        _s("secondary", "lunge squat"),
        _s("core", "core"),
        _s("accessory", "horizontal_pull", "shoulders back"),
        _s("accessory", "horizontal_push vertical_push", "triceps chest"),
        _s("carry", "carry"),
    ),
)
FULL_BODY_C = DayTemplate(
    "Full body",
    "Full body: squat, row, press, hinge",
    (
        _s("main", "squat"),
        _s("main", "horizontal_pull"),
        _s("secondary", "horizontal_push vertical_push"),
        _s("secondary", "hinge lunge"),
        _s("core", "core"),
        _s("accessory", "vertical_push", "shoulders"),
        _s("accessory", "hinge", "hamstrings glutes"),
        _s("carry", "carry"),
    ),
)
UPPER_A = DayTemplate(
    "Upper",
    "Upper body: horizontal push and pull",
    (
        _s("main", "horizontal_push"),
        _s("main", "horizontal_pull"),
        _s("secondary", "vertical_push"),
        _s("secondary", "vertical_pull"),
        _s("core", "core"),
        _s("accessory", "horizontal_pull", "shoulders"),
        _s("accessory", "horizontal_push vertical_push", "triceps"),
        _s("accessory", "vertical_pull", "biceps"),
    ),
)
UPPER_B = DayTemplate(
    "Upper",
    "Upper body: vertical push and pull",
    (
        _s("main", "vertical_pull"),
        _s("main", "vertical_push horizontal_push"),
        _s("secondary", "horizontal_push"),
        _s("secondary", "horizontal_pull"),
        _s("core", "core"),
        _s("accessory", "vertical_push", "shoulders"),
        _s("accessory", "vertical_pull", "biceps"),
        _s("accessory", "horizontal_push vertical_push", "triceps"),
    ),
)
LOWER_A = DayTemplate(
    "Lower",
    "Lower body: squat and hinge",
    (
        _s("main", "squat"),
        _s("main", "hinge"),
        _s("secondary", "lunge"),
        _s("core", "core"),
        _s("accessory", "hinge", "hamstrings"),
        _s("accessory", "squat", "calves"),
        _s("carry", "carry"),
    ),
)
LOWER_B = DayTemplate(
    "Lower",
    "Lower body: hinge and single-leg work",
    (
        _s("main", "hinge"),
        _s("main", "lunge squat"),
        _s("secondary", "squat"),
        _s("core", "core"),
        _s("accessory", "lunge", "glutes adductors"),
        _s("accessory", "squat", "quads calves"),
        _s("carry", "carry"),
    ),
)
PUSH = DayTemplate(
    "Push",
    "Push: chest, shoulders, triceps",
    (
        _s("main", "horizontal_push"),
        _s("main", "vertical_push"),
        _s("secondary", "horizontal_push"),
        _s("core", "core"),
        _s("accessory", "vertical_push", "shoulders"),
        _s("accessory", "horizontal_push vertical_push", "triceps"),
    ),
)
PULL = DayTemplate(
    "Pull",
    "Pull: back, rear shoulders, biceps",
    (
        _s("main", "vertical_pull"),
        _s("main", "horizontal_pull"),
        _s("secondary", "horizontal_pull vertical_pull"),
        _s("core", "core"),
        _s("accessory", "horizontal_pull", "shoulders"),
        _s("accessory", "vertical_pull", "biceps"),
        _s("carry", "carry"),
    ),
)
LEGS = DayTemplate(
    "Legs",
    "Legs: quads, hamstrings, glutes",
    (
        _s("main", "squat"),
        _s("main", "hinge"),
        _s("secondary", "lunge"),
        _s("core", "core"),
        _s("accessory", "hinge", "hamstrings"),
        _s("accessory", "squat", "calves quads"),
        _s("carry", "carry"),
    ),
)

SPLIT_BY_DAYS: dict[int, tuple[str, tuple[DayTemplate, ...]]] = {
    2: ("full_body", (FULL_BODY_A, FULL_BODY_B)),
    3: ("full_body", (FULL_BODY_A, FULL_BODY_B, FULL_BODY_C)),
    4: ("upper_lower", (UPPER_A, LOWER_A, UPPER_B, LOWER_B)),
    5: ("push_pull_legs_upper_lower", (PUSH, PULL, LEGS, UPPER_A, LOWER_B)),
    6: ("push_pull_legs", (PUSH, PULL, LEGS, PUSH, PULL, LEGS)),
}


def split_for(days_per_week: int) -> tuple[str, tuple[DayTemplate, ...]]:
    return SPLIT_BY_DAYS[days_per_week]
