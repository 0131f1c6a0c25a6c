"""The exercise catalogue: our own list of exercises, loaded once and queried in memory.

The data lives in ``vigor_app/data/exercises.json`` (a JSON list, one object per exercise).
Loading checks the file (``file_checks``: its rules, against the vocabularies in
``services.vocabulary``) and refuses a catalogue with problems, so every other module may
trust an ``Exercise``. The queries: by id, by name, by filters, what a person can do with
their equipment, injuries and level, swaps for an exercise, and easier and harder variations.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Concatenate, ParamSpec, TypeVar

from vigor_app.services.catalogue import exercise_search
from vigor_app.services.catalogue.exercise import Exercise
from vigor_app.services.catalogue.file_checks import catalogue_problems
from vigor_app.services.vocabulary import EQUIPMENT, INJURIES, LEVEL_RANK, LEVELS, MUSCLES, PATTERNS

CATALOGUE_PATH = Path(__file__).resolve().parents[2] / "data" / "exercises.json"
CACHE_LIMIT = 4096  # entries per query cache before it is cleared


class CatalogueError(ValueError):
    """The catalogue file is missing or breaks one of the rules in ``file_checks``."""


class UnknownExerciseError(LookupError):
    """No exercise has the requested id."""

    def __init__(self, exercise_id: str) -> None:
        self.exercise_id = exercise_id
        super().__init__(f"No exercise with id {exercise_id!r} in the catalogue.")


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
        self._search_order: dict[str, tuple[int, ...]] | None = None
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
        """Exercises whose name matches ``text``, best first (``exercise_search``: spaces,
        hyphens, plurals, shorthand and small typos forgiven)."""
        order = self.search_order()
        return exercise_search.rank(text, self.exercises, lambda e: e.name, lambda e: order[e.id])

    def search_order(self) -> dict[str, tuple[int, ...]]:
        """Each exercise's place among equal search matches (``exercise_search.exercise_order``)."""
        if self._search_order is None:
            self._search_order = {
                e.id: exercise_search.exercise_order(e.pattern, e.equipment, e.rep_range, e.difficulty)
                for e in self.exercises}
        return self._search_order

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
        """Exercises a plan may give the person: equipment available, safe, at or below their
        level, and not logged only (an outdoor run: a plan prescribes what the gym holds)."""
        key = (normalise_equipment(equipment), normalise_injuries(injuries), _check_level(level))
        cached = self._available.get(key)
        if cached is None:
            if len(self._available) >= CACHE_LIMIT:
                self._available.clear()  # bounded: a long-running server meets many kits
            have, hurt, rank = key
            cached = tuple(
                e
                for e in self.exercises
                if e.level_rank <= rank and e.doable_with(have) and e.safe_for(hurt) and not e.log_only
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

        Variations share the pattern, a primary muscle, the kind (compound, isolation or
        other: a triceps extension is no variation of a press) and timing, and are safe for
        the injuries; they are ordered by catalogue difficulty only, so one exercise is
        never easier than a lift and harder than its twin. The harder one may sit above the
        person's level (it is the next step up).
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
            if candidate.timed != original.timed or candidate.kind != original.kind:
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


# The queries as functions over the bundled catalogue.

P = ParamSpec("P")
R = TypeVar("R")


def _on_bundled(query: Callable[Concatenate[Catalogue, P], R]) -> Callable[P, R]:
    """`query` (a ``Catalogue`` method) as a function that runs it on the bundled catalogue."""

    def on_bundled(*args: P.args, **kwargs: P.kwargs) -> R:
        return query(load_catalogue(), *args, **kwargs)

    on_bundled.__doc__ = query.__doc__
    return on_bundled


def all_exercises() -> tuple[Exercise, ...]:
    return load_catalogue().exercises


get_exercise = _on_bundled(Catalogue.get)
find_exercise = _on_bundled(Catalogue.find)
search = _on_bundled(Catalogue.search)
search_order = _on_bundled(Catalogue.search_order)
filter_exercises = _on_bundled(Catalogue.filter)
available_for = _on_bundled(Catalogue.available_for)
substitutes = _on_bundled(Catalogue.substitutes)
