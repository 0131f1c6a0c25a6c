"""What a plan is built from: the person's profile, one request, and their resolution.

``Profile`` holds what the person told us once (level, goals, equipment, injuries, how
often and how long they train, preferred weekdays). ``PlanRequest`` holds what they ask
for this time (goals/days/length overriding the profile, focus areas, intensity).
``resolve_inputs`` merges the two into ``PlanInputs``, the single thing the engine and
the validator read.

Parsing rules (``from_dict``): missing keys take the defaults; unknown keys, unknown
words, wrong types and out-of-range numbers raise ``PlanInputError`` naming the key.
Lists are de-duplicated; equipment always includes bodyweight.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, fields
from typing import Any

from vigor_app.services.vocabulary import (
    DAYS_PER_WEEK_RANGE,
    EQUIPMENT,
    FOCUS_AREAS,
    GOALS,
    INJURIES,
    INTENSITIES,
    LEVELS,
    SESSION_MINUTES_RANGE,
    WEEKDAY_INDEX,
    WEEKDAYS,
)

DEFAULT_LEVEL = "beginner"
DEFAULT_GOALS: tuple[str, ...] = ("general_fitness",)
DEFAULT_EQUIPMENT: tuple[str, ...] = ("bodyweight",)
DEFAULT_DAYS_PER_WEEK = 3
DEFAULT_SESSION_MINUTES = 45
DEFAULT_INTENSITY = "normal"


class PlanInputError(ValueError):
    """A profile or request value we refuse; ``key`` names the offending key."""

    def __init__(self, key: str, message: str) -> None:
        self.key = key
        self.detail = message
        super().__init__(f"{key}: {message}")


def _words(
    key: str, value: Any, vocabulary: tuple[str, ...], *, allow_empty: bool
) -> tuple[str, ...]:
    if isinstance(value, str) or not isinstance(value, Iterable):
        raise PlanInputError(key, "must be a list of strings")
    items = list(value)
    if not all(isinstance(item, str) for item in items):
        raise PlanInputError(key, "must be a list of strings")
    unknown = [item for item in items if item not in vocabulary]
    if unknown:
        raise PlanInputError(
            key, f"unknown value {unknown[0]!r} (expected any of: {', '.join(vocabulary)})"
        )
    if not items and not allow_empty:
        raise PlanInputError(key, "must name at least one value")
    return tuple(dict.fromkeys(items))


def _word(key: str, value: Any, vocabulary: tuple[str, ...]) -> str:
    if not isinstance(value, str) or value not in vocabulary:
        raise PlanInputError(
            key, f"unknown value {value!r} (expected one of: {', '.join(vocabulary)})"
        )
    return value


def _int_in(key: str, value: Any, bounds: tuple[int, int]) -> int:
    if not isinstance(value, int) or isinstance(value, bool):
        raise PlanInputError(key, f"must be a whole number, got {value!r}")
    low, high = bounds
    if not low <= value <= high:
        raise PlanInputError(key, f"must be between {low} and {high}, got {value}")
    return value


def _equipment(value: Any) -> tuple[str, ...]:
    chosen = set(_words("equipment", value, EQUIPMENT, allow_empty=True)) | {"bodyweight"}
    return tuple(e for e in EQUIPMENT if e in chosen)


def _weekdays(value: Any) -> tuple[str, ...]:
    chosen = _words("preferred_weekdays", value, WEEKDAYS, allow_empty=True)
    return tuple(sorted(chosen, key=WEEKDAY_INDEX.__getitem__))


def _refuse_unknown_keys(data: Any, allowed: tuple[str, ...], what: str) -> None:
    if not isinstance(data, Mapping):
        raise PlanInputError(what, "must be a JSON object")
    for key in data:
        if key not in allowed:
            raise PlanInputError(str(key), f"unknown key (allowed: {', '.join(allowed)})")


def _json_fields(item: Any, renamed: Mapping[str, str] | None = None) -> dict[str, Any]:
    """A dataclass's fields in order as a JSON object: tuples and lists as new lists; `renamed`
    gives a field another key."""
    renamed = renamed or {}
    return {
        renamed.get(f.name, f.name): list(value) if isinstance(value, (tuple, list)) else value
        for f in fields(item)
        for value in (getattr(item, f.name),)
    }


@dataclass(frozen=True)
class Profile:
    """The person's standing answers. Constructing one checks and normalises every field."""

    fitness_level: str = DEFAULT_LEVEL
    goals: tuple[str, ...] = DEFAULT_GOALS
    equipment: tuple[str, ...] = DEFAULT_EQUIPMENT
    injuries: tuple[str, ...] = ()
    days_per_week: int = DEFAULT_DAYS_PER_WEEK
    session_minutes: int = DEFAULT_SESSION_MINUTES
    preferred_weekdays: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        set_ = object.__setattr__
        set_(self, "fitness_level", _word("fitness_level", self.fitness_level, LEVELS))
        set_(self, "goals", _words("goals", self.goals, GOALS, allow_empty=False))
        set_(self, "equipment", _equipment(self.equipment))
        set_(self, "injuries", _words("injuries", self.injuries, INJURIES, allow_empty=True))
        set_(
            self, "days_per_week", _int_in("days_per_week", self.days_per_week, DAYS_PER_WEEK_RANGE)
        )
        set_(
            self,
            "session_minutes",
            _int_in("session_minutes", self.session_minutes, SESSION_MINUTES_RANGE),
        )
        set_(self, "preferred_weekdays", _weekdays(self.preferred_weekdays))

    @classmethod
    def from_dict(cls, data: Any) -> Profile:
        """Parse a JSON object; missing keys take defaults, anything unknown is refused."""
        _refuse_unknown_keys(data, PROFILE_KEYS, "profile")
        return cls(**{key: data[key] for key in PROFILE_KEYS if key in data})

    def to_dict(self) -> dict[str, Any]:
        return _json_fields(self)


PROFILE_KEYS: tuple[str, ...] = tuple(f.name for f in fields(Profile))


@dataclass(frozen=True)
class PlanRequest:
    """One ask. ``None`` means "as in the profile"; focus names muscles or patterns."""

    goals: tuple[str, ...] | None = None
    days_per_week: int | None = None
    session_minutes: int | None = None
    focus: tuple[str, ...] = ()
    intensity: str = DEFAULT_INTENSITY

    def __post_init__(self) -> None:
        set_ = object.__setattr__
        if self.goals is not None:
            set_(self, "goals", _words("goals", self.goals, GOALS, allow_empty=False))
        if self.days_per_week is not None:
            set_(
                self,
                "days_per_week",
                _int_in("days_per_week", self.days_per_week, DAYS_PER_WEEK_RANGE),
            )
        if self.session_minutes is not None:
            set_(
                self,
                "session_minutes",
                _int_in("session_minutes", self.session_minutes, SESSION_MINUTES_RANGE),
            )
        set_(self, "focus", _words("focus", self.focus, FOCUS_AREAS, allow_empty=True))
        set_(self, "intensity", _word("intensity", self.intensity, INTENSITIES))

    @classmethod
    def from_dict(cls, data: Any) -> PlanRequest:
        _refuse_unknown_keys(data, REQUEST_KEYS, "request")
        return cls(**{key: data[key] for key in REQUEST_KEYS if key in data})


REQUEST_KEYS: tuple[str, ...] = tuple(f.name for f in fields(PlanRequest))


@dataclass(frozen=True)
class PlanInputs:
    """Profile and request merged: exactly what a plan is built and judged against."""

    level: str
    goals: tuple[str, ...]
    equipment: tuple[str, ...]
    injuries: tuple[str, ...]
    days_per_week: int
    session_minutes: int
    preferred_weekdays: tuple[str, ...] = ()
    focus: tuple[str, ...] = ()
    intensity: str = DEFAULT_INTENSITY

    def to_dict(self) -> dict[str, Any]:
        """The profile's keys (``level`` as ``fitness_level``), then focus and intensity."""
        return _json_fields(self, {"level": "fitness_level"})


def resolve_inputs(profile: Profile, request: PlanRequest | None = None) -> PlanInputs:
    """Merge: the request's goals, days and session length win over the profile's."""
    request = request or PlanRequest()
    return PlanInputs(
        level=profile.fitness_level,
        goals=request.goals or profile.goals,
        equipment=profile.equipment,
        injuries=profile.injuries,
        days_per_week=request.days_per_week or profile.days_per_week,
        session_minutes=request.session_minutes or profile.session_minutes,
        preferred_weekdays=profile.preferred_weekdays,
        focus=request.focus,
        intensity=request.intensity,
    )


def coerce_inputs(
    profile: Profile | PlanInputs | Mapping[str, Any],
    request: PlanRequest | Mapping[str, Any] | None = None,
) -> PlanInputs:
    """Accept a Profile, ready PlanInputs or a profile dict (plus an optional request)."""
    if isinstance(profile, PlanInputs):
        if request is not None:
            raise TypeError("pass a Profile, not PlanInputs, together with a request")
        return profile
    if not isinstance(profile, Profile):
        profile = Profile.from_dict(profile)
    if request is not None and not isinstance(request, PlanRequest):
        request = PlanRequest.from_dict(request)
    return resolve_inputs(profile, request)
