"""One exercise of the catalogue: its fields as read from the catalogue file, with the sets
and rank the queries use precomputed.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from vigor_app.services.vocabulary import LEVEL_RANK, MUSCLE_GROUP, STRENGTH_PATTERNS

# An exercise's fields as the catalogue file holds them, in order.
FIELDS: tuple[str, ...] = (
    "id",
    "name",
    "pattern",
    "primary_muscles",
    "secondary_muscles",
    "equipment",
    "level",
    "unsafe_for",
    "unilateral",
    "timed",
    "rep_range",
    "seconds_range",
    "difficulty",
    "tags",
    "cue",
)


@dataclass(frozen=True, slots=True)
class Exercise:
    """One catalogue entry. Lists are tuples; derived sets are precomputed for speed."""

    id: str
    name: str
    pattern: str
    primary_muscles: tuple[str, ...]
    secondary_muscles: tuple[str, ...]
    equipment: tuple[str, ...]
    level: str
    unsafe_for: tuple[str, ...]
    unilateral: bool
    timed: bool
    rep_range: tuple[int, int] | None
    seconds_range: tuple[int, int] | None
    difficulty: int
    tags: tuple[str, ...]
    cue: str
    equipment_set: frozenset[str] = field(init=False, repr=False, compare=False)
    unsafe_set: frozenset[str] = field(init=False, repr=False, compare=False)
    groups: frozenset[str] = field(init=False, repr=False, compare=False)
    level_rank: int = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "equipment_set", frozenset(self.equipment))
        object.__setattr__(self, "unsafe_set", frozenset(self.unsafe_for))
        counted = (
            frozenset(MUSCLE_GROUP[m] for m in self.primary_muscles if m in MUSCLE_GROUP)
            if self.pattern in STRENGTH_PATTERNS
            else frozenset()
        )
        object.__setattr__(self, "groups", counted)
        object.__setattr__(self, "level_rank", LEVEL_RANK[self.level])

    @property
    def is_compound(self) -> bool:
        return "compound" in self.tags

    @property
    def logs_distance(self) -> bool:
        """Logged with a distance as well as a time: a run, a row, a ride."""
        return "distance" in self.tags

    @property
    def log_only(self) -> bool:
        """Logged by people, never put in a plan (the "log_only" tag)."""
        return "log_only" in self.tags

    @property
    def kind(self) -> str:
        """compound, isolation or other: variations and redundancy compare within a kind."""
        if self.is_compound:
            return "compound"
        return "isolation" if "isolation" in self.tags else "other"

    def doable_with(self, equipment: frozenset[str]) -> bool:
        """True when every piece of equipment the exercise needs is available."""
        return self.equipment_set <= equipment

    def safe_for(self, injuries: frozenset[str]) -> bool:
        return not (self.unsafe_set & injuries)

    def to_dict(self) -> dict[str, Any]:
        """The exercise as the catalogue file holds it (tuples as lists)."""
        return {name: list(value) if isinstance(value, tuple) else value
                for name in FIELDS for value in (getattr(self, name),)}

    @classmethod
    def from_dict(cls, record: Mapping[str, Any]) -> Exercise:
        rep_range = record["rep_range"]
        seconds_range = record["seconds_range"]
        return cls(
            id=record["id"],
            name=record["name"],
            pattern=record["pattern"],
            primary_muscles=tuple(record["primary_muscles"]),
            secondary_muscles=tuple(record["secondary_muscles"]),
            equipment=tuple(record["equipment"]),
            level=record["level"],
            unsafe_for=tuple(record["unsafe_for"]),
            unilateral=record["unilateral"],
            timed=record["timed"],
            rep_range=(rep_range[0], rep_range[1]) if rep_range else None,
            seconds_range=(seconds_range[0], seconds_range[1]) if seconds_range else None,
            difficulty=record["difficulty"],
            tags=tuple(record["tags"]),
            cue=record["cue"],
        )
