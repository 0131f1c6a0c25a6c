"""The facts the coach knows about one person, as plain frozen dataclasses (kilograms).

`context.CoachContext` carries them; `fact_queries` reads them from the database. Today's
plan day is the dashboard's pick (`dashboard.TodayPlan`) with its exercises as the plan
prescribes them; records are the dashboard's `progress.RecordView`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from vigor_app.services.coach.wording import set_text
from vigor_app.services.training.dashboard import TodayPlan


@dataclass(frozen=True)
class ProfileFacts:
    fitness_level: str
    goals: list[str]
    equipment: list[str]
    injuries: list[str]
    days_per_week: int
    session_minutes: int
    units: str
    timezone: str
    onboarded: bool


@dataclass(frozen=True)
class ExerciseDone:
    """One exercise of a logged session: its done sets and the top set among them.

    The top set is the heaviest (most reps on a tie); without weights, the most reps; for
    timed work, the longest hold; for a run or a row, the longest distance (with its time).
    """

    exercise_id: str
    name: str
    sets: int
    top_weight_kg: float | None
    top_reps: int | None
    top_seconds: int | None
    top_rpe: float | None = None
    top_distance_m: float | None = None  # a run or a row: the longest

    def top_set_text(self, units: str) -> str:
        return set_text(self.top_weight_kg, self.top_reps, self.top_seconds, units, self.top_distance_m)


@dataclass(frozen=True)
class SessionDone:
    """A finished session of the last days, newest first in lists."""

    id: int
    day: str  # local date in the session's own zone, ISO
    name: str
    minutes: int | None
    plan_id: int | None
    plan_day_index: int | None
    exercises: list[ExerciseDone] = field(default_factory=list)

    @property
    def sets(self) -> int:
        return sum(e.sets for e in self.exercises)


@dataclass(frozen=True)
class PlannedExercise:
    exercise_id: str
    name: str
    sets: int | None
    reps: str
    rpe: float | None = None
    reason: str = ""  # why the plan has it, as the plan says (may be empty)

    def prescription(self) -> str:
        """"3 × 8-12" (or "8-12" without a set count)."""
        return f"{self.sets} × {self.reps}" if self.sets else self.reps


@dataclass(frozen=True)
class PlanDay:
    index: int
    name: str
    weekday: str | None
    focus: str
    estimated_minutes: int | None
    exercises: list[PlannedExercise] = field(default_factory=list)


@dataclass(frozen=True)
class PlanOutline:
    id: int
    name: str
    days: list[PlanDay] = field(default_factory=list)

    @property
    def weekdays(self) -> list[str]:
        return [d.weekday for d in self.days if d.weekday]



# Today's plan day as the dashboard picks it (``scheduled``: the plan puts it on today's weekday;
# otherwise it is the next day up, a catch-up; ``done``: trained today), with its exercises as
# the active plan prescribes them.
TodaySession = TodayPlan[PlannedExercise]


@dataclass(frozen=True)
class BodyWeightTrend:
    """First and latest weigh-in of the window (kilograms) and how many there were."""

    first_on: str
    first_kg: float
    latest_on: str
    latest_kg: float
    entries: int

    @property
    def change_kg(self) -> float:
        return round(self.latest_kg - self.first_kg, 2)

