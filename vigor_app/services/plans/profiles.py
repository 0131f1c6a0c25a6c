"""A person's fitness profile: read it, and change it with every value checked on the server."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlmodel import select

from vigor_app import db
from vigor_app.clock import utcnow
from vigor_app.models import FitnessProfile
from vigor_app.services.errors import ValidationError
from vigor_app.services.plans.request import PlanInputError, Profile

UNITS = ("kg", "lb")
EDITABLE = ("fitness_level", "goals", "equipment", "injuries", "days_per_week", "preferred_weekdays",
            "session_minutes", "units", "timezone", "daily_motivation", "motivation_hour")


@dataclass(frozen=True)
class ProfileView:
    fitness_level: str
    goals: list[str]
    equipment: list[str]
    injuries: list[str]
    days_per_week: int
    preferred_weekdays: list[str]
    session_minutes: int
    units: str
    timezone: str
    onboarded: bool
    daily_motivation: bool = False
    motivation_hour: int = 8

    def plan_profile(self) -> Profile:
        """The part the plan engine reads."""
        return Profile(fitness_level=self.fitness_level, goals=tuple(self.goals),
                       equipment=tuple(self.equipment), injuries=tuple(self.injuries),
                       days_per_week=self.days_per_week, session_minutes=self.session_minutes,
                       preferred_weekdays=tuple(self.preferred_weekdays))

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _view(row: FitnessProfile | None) -> ProfileView:
    if row is None:
        row = FitnessProfile(user_id=0)
    return ProfileView(
        fitness_level=row.fitness_level, goals=list(row.goals), equipment=list(row.equipment),
        injuries=list(row.injuries), days_per_week=row.days_per_week,
        preferred_weekdays=list(row.preferred_weekdays), session_minutes=row.session_minutes,
        units=row.units, timezone=row.timezone, onboarded=row.onboarded_at is not None,
        daily_motivation=row.daily_motivation, motivation_hour=row.motivation_hour,
    )


def get_profile(user_id: int) -> ProfileView:
    """The person's profile, or the defaults when they have not filled it in yet."""
    with db.read_only() as session:
        row = session.exec(select(FitnessProfile).where(FitnessProfile.user_id == user_id)).first()
        return _view(row)


def _check_timezone(value: Any) -> str:
    if not isinstance(value, str) or not value or len(value) > 64:
        raise ValidationError("Pick a time zone from the list.", field="timezone")
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValidationError(f"{value!r} is not a time zone we know.", field="timezone") from exc
    return value


def update_profile(
    user_id: int, changes: dict[str, Any], *, finish_onboarding: bool = False,
    now: datetime | None = None,
) -> ProfileView:
    """Apply `changes` (any of EDITABLE) after checking every value; all or nothing."""
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise ValidationError(f"Unknown profile field {sorted(unknown)[0]!r}.")
    current = get_profile(user_id).to_dict()
    merged = {**current, **changes}
    if merged["units"] not in UNITS:
        raise ValidationError("Units are kg or lb.", field="units")
    merged["timezone"] = _check_timezone(merged["timezone"])
    if not isinstance(merged["daily_motivation"], bool):
        raise ValidationError("Daily motivation is on or off.", field="daily_motivation")
    hour = merged["motivation_hour"]
    if isinstance(hour, str) and hour.strip().isdigit():
        hour = int(hour)
    if isinstance(hour, bool) or not isinstance(hour, int) or not 0 <= hour <= 23:
        raise ValidationError("Pick an hour between 0 and 23.", field="motivation_hour")
    try:
        checked = Profile(
            fitness_level=merged["fitness_level"], goals=merged["goals"], equipment=merged["equipment"],
            injuries=merged["injuries"], days_per_week=merged["days_per_week"],
            session_minutes=merged["session_minutes"], preferred_weekdays=merged["preferred_weekdays"],
        )
    except PlanInputError as exc:
        raise ValidationError(_plain(exc), field=exc.key) from exc
    if checked.preferred_weekdays and len(checked.preferred_weekdays) < checked.days_per_week:
        raise ValidationError(
            f"Pick at least {checked.days_per_week} preferred days, or none.", field="preferred_weekdays"
        )
    now = now or utcnow()
    with db.transaction() as session:
        row = session.exec(select(FitnessProfile).where(FitnessProfile.user_id == user_id)).first()
        if row is None:
            row = FitnessProfile(user_id=user_id)
        row.fitness_level = checked.fitness_level
        row.goals = list(checked.goals)
        row.equipment = list(checked.equipment)
        row.injuries = list(checked.injuries)
        row.days_per_week = checked.days_per_week
        row.preferred_weekdays = list(checked.preferred_weekdays)
        row.session_minutes = checked.session_minutes
        row.units = merged["units"]
        row.timezone = merged["timezone"]
        row.daily_motivation = merged["daily_motivation"]
        row.motivation_hour = hour
        row.updated_at = now
        if finish_onboarding and row.onboarded_at is None:
            row.onboarded_at = now
        session.add(row)
        session.flush()
        return _view(row)


_LABELS = {
    "fitness_level": "Fitness level", "goals": "Goals", "equipment": "Equipment",
    "injuries": "Injuries", "days_per_week": "Training days per week",
    "session_minutes": "Session length", "preferred_weekdays": "Preferred days",
}


def _plain(exc: PlanInputError) -> str:
    return f"{_LABELS.get(exc.key, exc.key)}: {exc.detail}."
