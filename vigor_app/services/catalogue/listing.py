"""The exercises a person may use, listed and read one at a time: the catalogue's, found by
the Exercises page's search and filters (`browser.browse`), and the person's own custom
exercises, matched by the same search and filters. Another person's custom exercise is never
listed, and reading one is "not found", exactly like an id that names nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlmodel import col, select

from vigor_app import db
from vigor_app.models import Exercise as ExerciseRow
from vigor_app.services.catalogue import browser, catalogue, exercise_search, store
from vigor_app.services.catalogue.exercise import Exercise
from vigor_app.services.errors import NotFound, ValidationError

MAX_PAGE = 100
CUSTOM_ORDER = (0, 2, 0, 0)  # a custom exercise's place among equal search matches (`store.search`)


@dataclass(frozen=True)
class ExerciseInfo:
    """One exercise in the catalogue's words ("pull_up_bar"): a catalogue entry, or the
    person's own (``custom``; its lists empty where it does not say)."""

    id: str
    name: str
    custom: bool
    pattern: str
    level: str
    primary_muscles: list[str]
    secondary_muscles: list[str]
    equipment: list[str]
    unilateral: bool
    timed: bool
    logs_distance: bool
    rep_range: list[int] | None
    seconds_range: list[int] | None
    unsafe_for: list[str]
    cue: str


@dataclass(frozen=True)
class ExercisePage:
    total: int  # every match, of which `items` is the page asked for
    items: list[ExerciseInfo]


def _info(entry: Exercise) -> ExerciseInfo:
    return ExerciseInfo(
        id=entry.id, name=entry.name, custom=False, pattern=entry.pattern, level=entry.level,
        primary_muscles=list(entry.primary_muscles), secondary_muscles=list(entry.secondary_muscles),
        equipment=list(entry.equipment), unilateral=entry.unilateral, timed=entry.timed,
        logs_distance=entry.logs_distance, rep_range=list(entry.rep_range) if entry.rep_range else None,
        seconds_range=list(entry.seconds_range) if entry.seconds_range else None,
        unsafe_for=list(entry.unsafe_for), cue=entry.cue)


def _words(details: dict[str, Any], key: str) -> list[str]:
    value = details.get(key)
    return [str(v) for v in value] if isinstance(value, list) else []


def _span(details: dict[str, Any], key: str) -> list[int] | None:
    value = details.get(key)
    if isinstance(value, list) and len(value) == 2 and all(isinstance(v, int) for v in value):
        return [int(value[0]), int(value[1])]
    return None


def _row_info(row: ExerciseRow) -> ExerciseInfo:
    """A row of the table: a custom exercise, or a catalogue entry no longer in the file."""
    details = row.details if isinstance(row.details, dict) else {}
    return ExerciseInfo(
        id=row.id, name=row.name, custom=bool(row.is_custom), pattern=row.pattern, level=row.level,
        primary_muscles=_words(details, "primary_muscles"), secondary_muscles=_words(details, "secondary_muscles"),
        equipment=_words(details, "equipment"), unilateral=bool(details.get("unilateral")),
        timed=bool(details.get("timed")), logs_distance="distance" in _words(details, "tags"),
        rep_range=_span(details, "rep_range"), seconds_range=_span(details, "seconds_range"),
        unsafe_for=_words(details, "unsafe_for"), cue=str(details.get("cue") or ""))


def _own(user_id: int) -> list[ExerciseInfo]:
    with db.read_only() as session:
        rows = session.exec(
            select(ExerciseRow).where(col(ExerciseRow.is_custom).is_(True), col(ExerciseRow.owner_user_id) == user_id)
            .order_by(col(ExerciseRow.name)).limit(store.MAX_OWN_SEARCHED)
        ).all()
        return [_row_info(r) for r in rows]


def _fits(info: ExerciseInfo, muscle: str, equipment: str, pattern: str) -> bool:
    return ((not muscle or muscle in info.primary_muscles) and (not equipment or equipment in info.equipment)
            and (not pattern or pattern == info.pattern))


def browse(user_id: int, text: str = "", *, muscle: str = "", equipment: str = "", pattern: str = "",
           limit: int = 24, offset: int = 0) -> ExercisePage:
    """The catalogue's exercises and the person's own whose name matches `text` and that match
    every filter given (a primary muscle, a piece of equipment, a movement pattern; "" is any),
    best match first (name order without text); a page of them from `offset`. A filter value
    outside the Exercises page's choices is refused (ValidationError naming the filter)."""
    try:
        found = [_info(e) for e in browser.browse(text, muscle=muscle, equipment=equipment, pattern=pattern)]
    except browser.UnknownFilterError as exc:
        raise ValidationError(f"Unknown {exc.kind} {str(exc.value)[:40]!r}: use one of the library's choices.",
                              field=exc.kind) from None
    own = [e for e in _own(user_id) if _fits(e, muscle, equipment, pattern)]
    needle = text.strip()[:browser.MAX_SEARCH_LENGTH]
    if needle:
        order = catalogue.search_order()
        matches = exercise_search.rank(needle, [*found, *own], lambda e: e.name,
                                       lambda e: order.get(e.id, CUSTOM_ORDER) if not e.custom else CUSTOM_ORDER)
    else:
        matches = sorted([*found, *own], key=lambda e: (e.name.casefold(), e.id))
    limit, offset = max(1, min(MAX_PAGE, limit)), max(0, offset)
    return ExercisePage(total=len(matches), items=matches[offset:offset + limit])


def exercise(user_id: int, exercise_id: str) -> ExerciseInfo:
    """One exercise the person may use; NotFound for an unknown id and another person's
    custom exercise alike."""
    entry = catalogue.find_exercise(exercise_id)
    if entry is not None:
        return _info(entry)
    if 0 < len(exercise_id) <= store.EXERCISE_ID_LENGTH:
        with db.read_only() as session:
            row = session.exec(select(ExerciseRow).where(col(ExerciseRow.id) == exercise_id,
                                                         store.visible_to(user_id))).first()
            if row is not None:
                return _row_info(row)
    raise NotFound(store.UNKNOWN_EXERCISE)
