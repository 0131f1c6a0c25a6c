"""Browsing the exercise catalogue: search and filters, and each exercise put in plain words.

Plain Python over ``services.catalogue``: the exercise library page shows what this module
returns. Vocabulary words ("pull_up_bar") become labels a person reads ("Pull-up bar"), and
an exercise becomes an ``ExerciseCard`` of ready-to-show strings.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from functools import lru_cache

from vigor_app.services.catalogue import catalogue
from vigor_app.services.catalogue.exercise import Exercise
from vigor_app.services.vocabulary import EQUIPMENT, MUSCLES, PATTERNS
from vigor_app.services.vocabulary_labels import label

MAX_SEARCH_LENGTH = 100

FILTERS: tuple[str, ...] = ("muscle", "equipment", "pattern")


class UnknownFilterError(ValueError):
    """A filter value outside the catalogue's vocabulary (only a tampered browser sends one)."""

    def __init__(self, kind: str, value: object) -> None:
        self.kind = kind
        self.value = value
        super().__init__(f"unknown {kind} {value!r}")


def _lower_label(word: str) -> str:
    text = label(word)
    return text[:1].lower() + text[1:]


@lru_cache(maxsize=1)
def _choices() -> dict[str, tuple[tuple[str, str], ...]]:
    exercises = catalogue.all_exercises()
    muscles = {m for e in exercises for m in e.primary_muscles}
    equipment = {q for e in exercises for q in e.equipment}
    patterns = {e.pattern for e in exercises}
    return {
        "muscle": tuple((m, label(m)) for m in MUSCLES if m in muscles),
        "equipment": tuple((q, label(q)) for q in EQUIPMENT if q in equipment),
        "pattern": tuple((p, label(p)) for p in PATTERNS if p in patterns),
    }


def choices(kind: str) -> tuple[tuple[str, str], ...]:
    """(value, label) pairs for one filter, in vocabulary order, only words some exercise has.

    ``kind`` is "muscle" (primary muscles), "equipment" or "pattern".
    """
    if kind not in FILTERS:
        raise ValueError(f"unknown filter {kind!r}; expected one of {', '.join(FILTERS)}")
    return _choices()[kind]


def is_choice(kind: str, value: object) -> bool:
    """True when ``value`` is one of the filter's choices, or "" (any)."""
    if not isinstance(value, str):
        return False
    return value == "" or any(value == v for v, _ in choices(kind))


def browse(
    text: str = "", *, muscle: str = "", equipment: str = "", pattern: str = ""
) -> list[Exercise]:
    """Exercises whose name contains ``text`` (any case) and that match every filter given.

    An empty ``text`` or filter means "any". Without text, results are in name order; with
    text, names starting with it come first. ``muscle`` matches a primary muscle. A filter
    value outside the choices raises ``UnknownFilterError``.
    """
    chosen = {"muscle": muscle, "equipment": equipment, "pattern": pattern}
    for kind, value in chosen.items():
        if not is_choice(kind, value):
            raise UnknownFilterError(kind, value)
    needle = text.strip()[:MAX_SEARCH_LENGTH] if isinstance(text, str) else ""
    if any(chosen.values()):
        matching = catalogue.filter_exercises(
            muscle=muscle or None, equipment=equipment or None, pattern=pattern or None
        )
    else:
        matching = list(catalogue.all_exercises())
    if not needle:
        return sorted(matching, key=lambda e: (e.name.casefold(), e.id))
    wanted = {e.id for e in matching}
    return [e for e in catalogue.search(needle) if e.id in wanted]


@dataclass(frozen=True, slots=True)
class ExerciseCard:
    """One exercise as the library shows it: every field a ready-to-show string."""

    id: str
    name: str
    pattern: str
    level: str
    equipment: str
    primary_muscles: str
    secondary_muscles: str
    dose: str
    one_side: str
    cue: str
    not_for: str

    def as_dict(self) -> dict[str, str]:
        return asdict(self)


def _span(low: int, high: int, unit: str) -> str:
    plural = unit if high == 1 else unit + "s"
    return f"{low} {plural}" if low == high else f"{low}–{high} {plural}"


def _duration(seconds: int) -> str:
    if seconds % 60 == 0 and seconds >= 60:
        return _span(seconds // 60, seconds // 60, "minute")
    return _span(seconds, seconds, "second")


def dose(exercise: Exercise) -> str:
    """How much of it a set holds: "8–20 reps", "20–60 seconds", "5–30 minutes"."""
    if exercise.rep_range is not None:
        return _span(*exercise.rep_range, "rep")
    if exercise.seconds_range is None:
        return ""
    low, high = exercise.seconds_range
    if high < 120:
        return _span(low, high, "second")
    if low % 60 == 0 and high % 60 == 0:
        return _span(low // 60, high // 60, "minute")
    return f"{_duration(low)} – {_duration(high)}"


def card(exercise: Exercise) -> ExerciseCard:
    """The exercise in plain words."""
    equipment = (
        "Bodyweight only"
        if exercise.equipment == ("bodyweight",)
        else ", ".join(label(q) for q in exercise.equipment)
    )
    return ExerciseCard(
        id=exercise.id,
        name=exercise.name,
        pattern=label(exercise.pattern),
        level=label(exercise.level),
        equipment=equipment,
        primary_muscles=", ".join(label(m) for m in exercise.primary_muscles),
        secondary_muscles=", ".join(label(m) for m in exercise.secondary_muscles),
        dose=dose(exercise),
        one_side="One side at a time" if exercise.unilateral else "",
        cue=exercise.cue,
        not_for=(
            "Not for: " + ", ".join(_lower_label(i) for i in exercise.unsafe_for)
            if exercise.unsafe_for
            else ""
        ),
    )


def count_label(count: int) -> str:
    """ "42 exercises", "1 exercise", "No exercises"."""
    if count == 0:
        return "No exercises"
    return f"{count} exercise" if count == 1 else f"{count} exercises"
