"""The fixed words shared by the catalogue, the plan engine and the plan validator.

Every string a profile, a request, a catalogue entry or a plan may carry is listed here,
so a typo anywhere is caught by one membership test. Tuples keep a stable order for
messages and for deterministic iteration.
"""

from __future__ import annotations

LEVELS: tuple[str, ...] = ("beginner", "intermediate", "advanced")
LEVEL_RANK: dict[str, int] = {level: rank for rank, level in enumerate(LEVELS)}

GOALS: tuple[str, ...] = (
    "strength",
    "muscle_gain",
    "fat_loss",
    "endurance",
    "mobility",
    "general_fitness",
)

# Bodyweight is always available: parsing adds it to every equipment set.
EQUIPMENT: tuple[str, ...] = (
    "bodyweight",
    "dumbbells",
    "barbell",
    "kettlebells",
    "bench",
    "pull_up_bar",
    "resistance_bands",
    "cable_machine",
    "machines",
    "cardio_machine",
)

INJURIES: tuple[str, ...] = (
    "shoulder",
    "elbow",
    "wrist",
    "lower_back",
    "hip",
    "knee",
    "ankle",
    "neck",
)

PATTERNS: tuple[str, ...] = (
    "squat",
    "hinge",
    "lunge",
    "horizontal_push",
    "vertical_push",
    "horizontal_pull",
    "vertical_pull",
    "carry",
    "core",
    "conditioning",
    "mobility",
)
# Patterns whose sets count as "hard sets" for muscle groups. Conditioning and mobility
# work trains the heart and the joints; it never counts towards weekly muscle volume.
STRENGTH_PATTERNS: frozenset[str] = frozenset(PATTERNS) - {"conditioning", "mobility"}

# The muscle vocabulary of the catalogue (documented in docs/plan-engine.md).
MUSCLES: tuple[str, ...] = (
    "quads",
    "hamstrings",
    "glutes",
    "adductors",
    "hip_flexors",
    "calves",
    "chest",
    "back",
    "lats",
    "lower_back",
    "shoulders",
    "biceps",
    "triceps",
    "forearms",
    "core",
    "neck",
    "hips",
    "thoracic_spine",
    "ankles",
    "full_body",
)

# Major muscle groups whose weekly hard sets are floored and capped. A set counts once
# for every group that one of the exercise's *primary* muscles belongs to.
MAJOR_GROUPS: dict[str, frozenset[str]] = {
    "quads": frozenset({"quads", "adductors"}),
    "glutes_hamstrings": frozenset({"glutes", "hamstrings"}),
    "chest": frozenset({"chest"}),
    "back": frozenset({"back", "lats", "lower_back"}),
    "shoulders": frozenset({"shoulders"}),
    "core": frozenset({"core"}),
}
MUSCLE_GROUP: dict[str, str] = {
    muscle: group for group, muscles in MAJOR_GROUPS.items() for muscle in muscles
}

# Catalogue tags: how an exercise is used, beyond its pattern.
TAGS: tuple[str, ...] = (
    "compound",
    "isolation",
    "warmup",
    "cooldown",
    "interval",
    "steady_state",
    "plyometric",
    "distance",  # logged with a distance as well as a time (a run, a row, a ride)
    "log_only",  # people log it; plans never prescribe it (an outdoor run)
)

INTENSITIES: tuple[str, ...] = ("easy", "normal", "hard")

WEEKDAYS: tuple[str, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
WEEKDAY_INDEX: dict[str, int] = {day: index for index, day in enumerate(WEEKDAYS)}

DAYS_PER_WEEK_RANGE: tuple[int, int] = (2, 6)
SESSION_MINUTES_RANGE: tuple[int, int] = (15, 120)

SPLITS: tuple[str, ...] = (
    "full_body",
    "upper_lower",
    "push_pull_legs_upper_lower",
    "push_pull_legs",
)

PROGRESSION_RULES: tuple[str, ...] = ("double_progression", "load_step", "time_step", "rep_step")

# Focus areas of a request may name a muscle or a movement pattern.
FOCUS_AREAS: tuple[str, ...] = MUSCLES + PATTERNS

# Membership tiers: what the AI quotas and the membership page are counted in.
TIER_FREE, TIER_PREMIUM, TIER_UNLIMITED = "free", "premium", "unlimited"
TIERS: tuple[str, ...] = (TIER_FREE, TIER_PREMIUM, TIER_UNLIMITED)
TIER_LABELS: dict[str, str] = {TIER_FREE: "Free", TIER_PREMIUM: "Premium", TIER_UNLIMITED: "Unlimited"}
