"""The checks of the catalogue file (``vigor_app/data/exercises.json``): every entry has exactly
the fields of an ``Exercise`` and keeps the rules below, so the app may trust a loaded one.

Rules:
- ``id`` is a lowercase slug, unique; ``name`` is unique, ignoring case.
- ``equipment`` lists *all* equipment an exercise needs; bodyweight-only exercises list
  exactly ``["bodyweight"]`` and bodyweight never appears next to other equipment (it is
  always available anyway).
- ``level`` is the minimum level; an exercise suits that level and every level above it.
- ``unsafe_for`` lists the injuries the exercise loads; it is never offered to a person
  with one of them.
- Timed exercises carry ``seconds_range`` and no ``rep_range``; the others the reverse.
- ``difficulty`` (1-10) orders variations of the same movement for easier/harder links.
- Muscles, patterns, equipment, levels, injuries and tags come from ``services.vocabulary``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from vigor_app.services.catalogue.exercise import FIELDS
from vigor_app.services.vocabulary import EQUIPMENT, INJURIES, LEVELS, MUSCLES, PATTERNS, TAGS

_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
MAX_REPS = 50
MAX_SECONDS = 3600
MAX_CUE_LENGTH = 200


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
