"""The exercise catalogue: our own list of exercises, loaded once and queried in memory.

The data lives in ``vigor_app/data/exercises.json`` (a JSON list, one object per exercise).
Loading checks the file against the vocabularies in ``services.plans.vocabulary`` and
refuses a catalogue with problems, so every other module may trust an ``Exercise``.

Rules:
- ``equipment`` lists *all* equipment an exercise needs; bodyweight-only exercises list
  exactly ``["bodyweight"]`` and bodyweight never appears next to other equipment (it is
  always available anyway).
- ``level`` is the minimum level; an exercise suits that level and every level above it.
- ``unsafe_for`` lists the injuries the exercise loads; it is never offered to a person
  with one of them.
- Timed exercises carry ``seconds_range`` and no ``rep_range``; the others the reverse.
- ``difficulty`` (1-10) orders variations of the same movement for easier/harder links.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from vigor_app.services.vocabulary import (
    EQUIPMENT,
    INJURIES,
    LEVEL_RANK,
    LEVELS,
    MUSCLE_GROUP,
    MUSCLES,
    PATTERNS,
    STRENGTH_PATTERNS,
    TAGS,
)

CATALOGUE_PATH = Path(__file__).resolve().parents[2] / "data" / "exercises.json"

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
_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
MAX_REPS = 50
MAX_SECONDS = 3600
MAX_CUE_LENGTH = 200
CACHE_LIMIT = 4096  # entries per query cache before it is cleared


class CatalogueError(ValueError):
    """The catalogue file is missing or breaks one of the rules above."""


class UnknownExerciseError(LookupError):
    """No exercise has the requested id."""

    def __init__(self, exercise_id: str) -> None:
        self.exercise_id = exercise_id
        super().__init__(f"No exercise with id {exercise_id!r} in the catalogue.")


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

    def doable_with(self, equipment: frozenset[str]) -> bool:
        """True when every piece of equipment the exercise needs is available."""
        return self.equipment_set <= equipment

    def safe_for(self, injuries: frozenset[str]) -> bool:
        return not (self.unsafe_set & injuries)

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "pattern": self.pattern,
            "primary_muscles": list(self.primary_muscles),
            "secondary_muscles": list(self.secondary_muscles),
            "equipment": list(self.equipment),
            "level": self.level,
            "unsafe_for": list(self.unsafe_for),
            "unilateral": self.unilateral,
            "timed": self.timed,
            "rep_range": list(self.rep_range) if self.rep_range else None,
            "seconds_range": list(self.seconds_range) if self.seconds_range else None,
            "difficulty": self.difficulty,
            "tags": list(self.tags),
            "cue": self.cue,
        }

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


def normalise_equipment(equipment: Iterable[str]) -> frozenset[str]:
    """The person's equipment as a set, bodyweight always included; unknown words refused."""
    chosen = frozenset(equipment) | {"bodyweight"}
    unknown = sorted(chosen - set(EQUIPMENT))
    if unknown:
        raise ValueError(f"unknown equipment: {', '.join(unknown)}")
    return chosen


def normalise_injuries(injuries: Iterable[str]) -> frozenset[str]:
    chosen = frozenset(injuries)
    unknown = sorted(chosen - set(INJURIES))
    if unknown:
        raise ValueError(f"unknown injuries: {', '.join(unknown)}")
    return chosen


def _check_level(level: str) -> int:
    if level not in LEVEL_RANK:
        raise ValueError(f"unknown level {level!r}; expected one of {', '.join(LEVELS)}")
    return LEVEL_RANK[level]


class Catalogue:
    """An immutable, indexed set of exercises with the queries the app needs."""

    def __init__(self, exercises: Sequence[Exercise]) -> None:
        self.exercises: tuple[Exercise, ...] = tuple(sorted(exercises, key=lambda e: e.id))
        self._by_id: dict[str, Exercise] = {e.id: e for e in self.exercises}
        self._available: dict[tuple[frozenset[str], frozenset[str], int], tuple[Exercise, ...]] = {}
        self._variations: dict[
            tuple[str, frozenset[str], frozenset[str]], tuple[Exercise | None, Exercise | None]
        ] = {}

    def __len__(self) -> int:
        return len(self.exercises)

    def __contains__(self, exercise_id: object) -> bool:
        return exercise_id in self._by_id

    def get(self, exercise_id: str) -> Exercise:
        """The exercise with this id; raises ``UnknownExerciseError`` when there is none."""
        try:
            return self._by_id[exercise_id]
        except (KeyError, TypeError):
            raise UnknownExerciseError(str(exercise_id)) from None

    def find(self, exercise_id: object) -> Exercise | None:
        """The exercise with this id, or None (also for ids that are not strings)."""
        if not isinstance(exercise_id, str):
            return None
        return self._by_id.get(exercise_id)

    def search(self, text: str) -> list[Exercise]:
        """Exercises whose name contains ``text``, ignoring case; names starting with it first."""
        needle = text.strip().casefold()
        if not needle:
            return []
        hits = [e for e in self.exercises if needle in e.name.casefold()]
        return sorted(hits, key=lambda e: (not e.name.casefold().startswith(needle), e.name))

    def filter(
        self,
        *,
        muscle: str | None = None,
        equipment: str | None = None,
        pattern: str | None = None,
        level: str | None = None,
    ) -> list[Exercise]:
        """Exercises matching every given criterion.

        ``muscle`` matches a primary muscle, ``equipment`` an exercise that uses that piece,
        ``pattern`` the movement pattern, ``level`` exercises doable at that level.
        """
        if muscle is not None and muscle not in MUSCLES:
            raise ValueError(f"unknown muscle {muscle!r}")
        if equipment is not None and equipment not in EQUIPMENT:
            raise ValueError(f"unknown equipment {equipment!r}")
        if pattern is not None and pattern not in PATTERNS:
            raise ValueError(f"unknown pattern {pattern!r}")
        rank = _check_level(level) if level is not None else None
        return [
            e
            for e in self.exercises
            if (muscle is None or muscle in e.primary_muscles)
            and (equipment is None or equipment in e.equipment_set)
            and (pattern is None or e.pattern == pattern)
            and (rank is None or e.level_rank <= rank)
        ]

    def available_for(
        self, equipment: Iterable[str], injuries: Iterable[str], level: str
    ) -> tuple[Exercise, ...]:
        """Exercises the person can do: equipment available, safe, at or below their level."""
        key = (normalise_equipment(equipment), normalise_injuries(injuries), _check_level(level))
        cached = self._available.get(key)
        if cached is None:
            if len(self._available) >= CACHE_LIMIT:
                self._available.clear()  # bounded: a long-running server meets many kits
            have, hurt, rank = key
            cached = tuple(
                e
                for e in self.exercises
                if e.level_rank <= rank and e.doable_with(have) and e.safe_for(hurt)
            )
            self._available[key] = cached
        return cached

    def substitutes(
        self,
        exercise_id: str,
        equipment: Iterable[str],
        injuries: Iterable[str],
        level: str,
        limit: int | None = None,
    ) -> list[Exercise]:
        """Swaps for an exercise, best first.

        A substitute has the same pattern and shares at least one primary muscle, and is
        available to the person (equipment, injuries, level). Ranked by primary-muscle
        overlap (Jaccard), then closeness of difficulty, then shared equipment, then id.
        """
        original = self.get(exercise_id)
        primary = set(original.primary_muscles)
        ranked: list[tuple[float, int, int, str, Exercise]] = []
        for candidate in self.available_for(equipment, injuries, level):
            if candidate.id == original.id or candidate.pattern != original.pattern:
                continue
            shared = primary & set(candidate.primary_muscles)
            if not shared:
                continue
            overlap = len(shared) / len(primary | set(candidate.primary_muscles))
            distance = abs(candidate.difficulty - original.difficulty)
            same_kit = len(candidate.equipment_set & original.equipment_set)
            ranked.append((-overlap, distance, -same_kit, candidate.id, candidate))
        ranked.sort(key=lambda row: row[:4])
        found = [row[4] for row in ranked]
        return found[:limit] if limit is not None else found

    def variations(
        self, exercise_id: str, equipment: Iterable[str], injuries: Iterable[str]
    ) -> tuple[Exercise | None, Exercise | None]:
        """The nearest easier and harder variation the person could do with their kit.

        Variations share the pattern and a primary muscle and are safe for the injuries;
        the harder one may sit above the person's level (it is the next step up).
        """
        have, hurt = normalise_equipment(equipment), normalise_injuries(injuries)
        key = (exercise_id, have, hurt)
        cached = self._variations.get(key)
        if cached is not None:
            return cached
        original = self.get(exercise_id)
        primary = set(original.primary_muscles)
        easier: tuple[tuple[int, int, str], Exercise] | None = None
        harder: tuple[tuple[int, int, str], Exercise] | None = None
        for candidate in self.available_for(have, hurt, "advanced"):
            if candidate.pattern != original.pattern or candidate.id == original.id:
                continue
            if candidate.timed != original.timed:
                continue
            shared = len(primary & set(candidate.primary_muscles))
            if not shared:
                continue
            if candidate.difficulty < original.difficulty:
                rank = (original.difficulty - candidate.difficulty, -shared, candidate.id)
                if easier is None or rank < easier[0]:
                    easier = (rank, candidate)
            elif candidate.difficulty > original.difficulty:
                rank = (candidate.difficulty - original.difficulty, -shared, candidate.id)
                if harder is None or rank < harder[0]:
                    harder = (rank, candidate)
        result = (easier[1] if easier else None, harder[1] if harder else None)
        if len(self._variations) >= CACHE_LIMIT * 8:
            self._variations.clear()
        self._variations[key] = result
        return result


def catalogue_problems(records: Any) -> list[str]:
    """Everything wrong with raw catalogue data (the parsed JSON); empty when it is valid."""
    if not isinstance(records, list):
        return ["the catalogue must be a JSON list of exercise objects"]
    problems: list[str] = []
    seen_ids: set[str] = set()
    seen_names: set[str] = set()
    for index, record in enumerate(records):
        if not isinstance(record, dict):
            problems.append(f"entry {index}: not an object")
            continue
        label = f"exercise {record.get('id', index)!r}"
        missing = [key for key in FIELDS if key not in record]
        extra = sorted(set(record) - set(FIELDS))
        if missing:
            problems.append(f"{label}: missing {', '.join(missing)}")
            continue
        if extra:
            problems.append(f"{label}: unknown keys {', '.join(extra)}")
        problems.extend(f"{label}: {p}" for p in _record_problems(record))
        exercise_id, name = record["id"], record["name"]
        if isinstance(exercise_id, str):
            if exercise_id in seen_ids:
                problems.append(f"{label}: duplicate id")
            seen_ids.add(exercise_id)
        if isinstance(name, str):
            if name.casefold() in seen_names:
                problems.append(f"{label}: duplicate name {name!r}")
            seen_names.add(name.casefold())
    return problems


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _words(value: Any, vocabulary: Sequence[str], what: str, *, required: bool) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        return [f"{what} must be a list of strings"]
    problems = [f"unknown {what} {v!r}" for v in value if v not in vocabulary]
    if required and not value:
        problems.append(f"{what} must not be empty")
    if len(set(value)) != len(value):
        problems.append(f"{what} has duplicates")
    return problems


def _range_problems(value: Any, what: str, low: int, high: int) -> list[str]:
    if (
        not isinstance(value, list)
        or len(value) != 2
        or not all(_is_int(v) for v in value)
        or not low <= value[0] <= value[1] <= high
    ):
        return [f"{what} must be [low, high] integers within {low}-{high}"]
    return []


def _record_problems(record: dict[str, Any]) -> list[str]:
    problems: list[str] = []
    exercise_id = record["id"]
    if not isinstance(exercise_id, str) or not _SLUG.match(exercise_id):
        problems.append("id must be a lowercase slug like 'goblet-squat'")
    if not isinstance(record["name"], str) or not record["name"].strip():
        problems.append("name must be a non-empty string")
    if record["pattern"] not in PATTERNS:
        problems.append(f"unknown pattern {record['pattern']!r}")
    problems += _words(record["primary_muscles"], MUSCLES, "primary muscle", required=True)
    problems += _words(record["secondary_muscles"], MUSCLES, "secondary muscle", required=False)
    if isinstance(record["primary_muscles"], list) and isinstance(
        record["secondary_muscles"], list
    ):
        both = set(record["primary_muscles"]) & set(record["secondary_muscles"])
        if both:
            problems.append(f"muscles both primary and secondary: {', '.join(sorted(both))}")
    equipment = record["equipment"]
    problems += _words(equipment, EQUIPMENT, "equipment", required=True)
    if isinstance(equipment, list) and "bodyweight" in equipment and len(equipment) > 1:
        problems.append("bodyweight must stand alone in equipment (it is always available)")
    if record["level"] not in LEVELS:
        problems.append(f"unknown level {record['level']!r}")
    problems += _words(record["unsafe_for"], INJURIES, "injury", required=False)
    for flag in ("unilateral", "timed"):
        if not isinstance(record[flag], bool):
            problems.append(f"{flag} must be true or false")
    if record["timed"] is True:
        problems += _range_problems(record["seconds_range"], "seconds_range", 5, MAX_SECONDS)
        if record["rep_range"] is not None:
            problems.append("a timed exercise has rep_range null")
    else:
        problems += _range_problems(record["rep_range"], "rep_range", 1, MAX_REPS)
        if record["seconds_range"] is not None:
            problems.append("an exercise counted in reps has seconds_range null")
    if not _is_int(record["difficulty"]) or not 1 <= record["difficulty"] <= 10:
        problems.append("difficulty must be an integer 1-10")
    problems += _words(record["tags"], TAGS, "tag", required=False)
    cue = record["cue"]
    if not isinstance(cue, str) or not cue.strip() or len(cue) > MAX_CUE_LENGTH:
        problems.append(f"cue must be one sentence of at most {MAX_CUE_LENGTH} characters")
    elif not cue.endswith("."):
        problems.append("cue must end with a full stop")
    return problems


def read_catalogue(path: Path) -> Catalogue:
    """Read and check a catalogue file; raises ``CatalogueError`` listing every problem."""
    try:
        records = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise CatalogueError(f"cannot read the exercise catalogue {path}: {exc}") from exc
    problems = catalogue_problems(records)
    if problems:
        raise CatalogueError(
            f"the exercise catalogue {path} has {len(problems)} problem(s): " + "; ".join(problems)
        )
    return Catalogue([Exercise.from_dict(record) for record in records])


@lru_cache(maxsize=4)
def load_catalogue(path: Path | None = None) -> Catalogue:
    """The catalogue, read once per path and cached (default: the bundled file)."""
    return read_catalogue(path or CATALOGUE_PATH)


# Convenience functions over the bundled catalogue.


def all_exercises() -> tuple[Exercise, ...]:
    return load_catalogue().exercises


def get_exercise(exercise_id: str) -> Exercise:
    return load_catalogue().get(exercise_id)


def find_exercise(exercise_id: object) -> Exercise | None:
    return load_catalogue().find(exercise_id)


def search(text: str) -> list[Exercise]:
    return load_catalogue().search(text)


def filter_exercises(
    *,
    muscle: str | None = None,
    equipment: str | None = None,
    pattern: str | None = None,
    level: str | None = None,
) -> list[Exercise]:
    return load_catalogue().filter(muscle=muscle, equipment=equipment, pattern=pattern, level=level)


def available_for(
    equipment: Iterable[str], injuries: Iterable[str], level: str
) -> tuple[Exercise, ...]:
    return load_catalogue().available_for(equipment, injuries, level)


def substitutes(
    exercise_id: str,
    equipment: Iterable[str],
    injuries: Iterable[str],
    level: str,
    limit: int | None = None,
) -> list[Exercise]:
    return load_catalogue().substitutes(exercise_id, equipment, injuries, level, limit)
