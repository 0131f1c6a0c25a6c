"""The exercises that are the person's own: the ones they logged and the ones their plan holds.

The coach resolves "my squat" or "bench" to one of these before it looks at the rest of the
catalogue (`exercise_mentions.resolve_exercise`). Each comes with how much and how lately the
person did it: finished sessions with a counted (not warm-up) done set, those of the last
`RECENT_DAYS` days, and the day of the last one; planned ones carry the plan days they are on.
Custom exercises count as their own too, by their name.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

import sqlalchemy
from sqlmodel import col

from vigor_app import db
from vigor_app.models import WorkoutSession, WorkoutSet
from vigor_app.models.workout import SESSION_FINISHED
from vigor_app.services.coach.facts import PlanOutline
from vigor_app.services.training import set_kinds, streaks
from vigor_app.services.training.progress import exercise_names

RECENT_DAYS = 28


@dataclass(frozen=True)
class OwnExercise:
    exercise_id: str
    name: str
    sessions: int = 0  # finished sessions that logged it
    recent_sessions: int = 0  # of them, in the last RECENT_DAYS days
    last_on: date | None = None  # local date of the newest
    plan_days: tuple[int, ...] = ()  # indexes of the active plan's days that hold it

    @property
    def logged(self) -> bool:
        return self.sessions > 0

    def usage(self) -> tuple[int, int, int, str]:
        """Sort key, most used first: recent sessions, all sessions, the newest day, planned."""
        return (-self.recent_sessions, -self.sessions, -(self.last_on.toordinal() if self.last_on else 0),
                self.name.casefold())


@dataclass(frozen=True)
class OwnExercises:
    by_id: dict[str, OwnExercise] = field(default_factory=dict)

    def get(self, exercise_id: str) -> OwnExercise | None:
        return self.by_id.get(exercise_id)

    @property
    def logged(self) -> list[OwnExercise]:
        """Logged ones, most used first."""
        return sorted((e for e in self.by_id.values() if e.logged), key=OwnExercise.usage)


def read_own(user_id: int, plan: PlanOutline | None, now: datetime) -> OwnExercises:
    """The person's logged and planned exercises (see the module docstring)."""
    recent_floor = now - timedelta(days=RECENT_DAYS)
    with db.read_only() as session:
        rows = session.execute(
            sqlalchemy.select(col(WorkoutSet.exercise_id), col(WorkoutSet.session_id),
                              col(WorkoutSession.started_at), col(WorkoutSession.timezone))
            .join(WorkoutSession, col(WorkoutSession.id) == col(WorkoutSet.session_id))
            .where(col(WorkoutSet.user_id) == user_id, col(WorkoutSession.status) == SESSION_FINISHED,
                   col(WorkoutSession.started_at) <= now, set_kinds.counted())
            .distinct()
        ).all()
        planned: dict[str, list[int]] = {}
        plan_names: dict[str, str] = {}
        for plan_day in plan.days if plan else []:
            for item in plan_day.exercises:
                if item.exercise_id:
                    planned.setdefault(item.exercise_id, []).append(plan_day.index)
                    plan_names.setdefault(item.exercise_id, item.name)
        names = exercise_names(session, user_id, {r[0] for r in rows} | set(planned))
    sessions: dict[str, set[int]] = {}
    recent: dict[str, set[int]] = {}
    last: dict[str, date] = {}
    for exercise_id, session_id, started_at, zone in rows:
        sessions.setdefault(exercise_id, set()).add(session_id)
        if started_at >= recent_floor:
            recent.setdefault(exercise_id, set()).add(session_id)
        day = streaks.local_date(started_at, zone)
        if exercise_id not in last or day > last[exercise_id]:
            last[exercise_id] = day
    found = {}
    for exercise_id in set(sessions) | set(planned):
        found[exercise_id] = OwnExercise(
            exercise_id=exercise_id, name=names.get(exercise_id) or plan_names.get(exercise_id, exercise_id),
            sessions=len(sessions.get(exercise_id, ())), recent_sessions=len(recent.get(exercise_id, ())),
            last_on=last.get(exercise_id), plan_days=tuple(sorted(set(planned.get(exercise_id, ())))),
        )
    return OwnExercises(found)
