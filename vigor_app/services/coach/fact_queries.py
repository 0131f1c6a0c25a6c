"""Reading what the coach knows from the database, for one person only.

The profile, the finished sessions of the last ``RECENT_DAYS`` days with each exercise's
top set, the newest finished session ever, the active plan as an outline, the body-weight
trend of the last ``BODY_WEIGHT_DAYS`` days, and today's plan day from the dashboard's pick.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

import sqlalchemy
from sqlmodel import col, select

from vigor_app import db
from vigor_app.models import BodyMetric, SessionExercise, WorkoutPlan, WorkoutSession, WorkoutSet
from vigor_app.models.workout import SESSION_FINISHED
from vigor_app.services.coach.facts import (
    BodyWeightTrend,
    ExerciseDone,
    PlanDay,
    PlannedExercise,
    PlanOutline,
    ProfileFacts,
    SessionDone,
    TodaySession,
)
from vigor_app.services.plans import profiles
from vigor_app.services.plans.day_focus import stored_day_focus
from vigor_app.services.training import dashboard, set_kinds, streaks
from vigor_app.services.training.progress import WINDOW_SLACK, exercise_names, local_midnight
from vigor_app.services.vocabulary import WEEKDAYS

RECENT_DAYS = 14
BODY_WEIGHT_DAYS = 90


def profile_facts(user_id: int) -> ProfileFacts:
    view = profiles.get_profile(user_id)
    return ProfileFacts(
        fitness_level=view.fitness_level, goals=list(view.goals), equipment=list(view.equipment),
        injuries=list(view.injuries), days_per_week=view.days_per_week,
        session_minutes=view.session_minutes, units=view.units, timezone=view.timezone,
        onboarded=view.onboarded,
    )


def _int_or_none(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _float_or_none(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)


def _plan_outline(row: WorkoutPlan) -> PlanOutline:
    days = row.plan.get("days") if isinstance(row.plan, dict) else None
    outline_days = []
    for index, day in enumerate(days if isinstance(days, list) else []):
        if not isinstance(day, dict):
            continue
        items = [
            PlannedExercise(exercise_id=str(item.get("exercise_id", "")), name=str(item.get("name", "")),
                            sets=_int_or_none(item.get("sets")), reps=str(item.get("reps", "")),
                            rpe=_float_or_none(item.get("rpe")), reason=str(item.get("reason") or ""))
            for item in day.get("exercises", []) if isinstance(item, dict)
        ]
        weekday = day.get("weekday")
        outline_days.append(PlanDay(
            index=index, name=str(day.get("name") or f"Day {index + 1}"),
            weekday=weekday if weekday in WEEKDAYS else None, focus=stored_day_focus(day),
            estimated_minutes=_int_or_none(day.get("estimated_minutes")), exercises=items,
        ))
    return PlanOutline(id=row.id or 0, name=row.name, days=outline_days)


def _top(sets: list[tuple[int | None, int | None, float | None, float | None, float | None]]
         ) -> tuple[float | None, int | None, int | None, float | None, float | None]:
    """(weight, reps, seconds, rpe, distance) of the top set among (reps, seconds, weight, rpe,
    distance) rows."""
    far = [s for s in sets if s[4] and s[4] > 0]
    if far:
        reps, seconds, _, rpe, distance = max(far, key=lambda s: (s[4] or 0.0, -(s[1] or 0)))
        return None, None, seconds, rpe, distance
    weighted = [s for s in sets if s[2] and s[2] > 0]
    if weighted:
        best = max(weighted, key=lambda s: (s[2] or 0.0, s[0] or 0, s[1] or 0))
    elif any(s[0] for s in sets):
        best = max(sets, key=lambda s: s[0] or 0)
    else:
        best = max(sets, key=lambda s: s[1] or 0)
    reps, seconds, weight, rpe, _ = best
    return (weight if weight and weight > 0 else None, reps or None,
            seconds if seconds and not reps else None, rpe, None)


def recent_sessions(user_id: int, today: date, timezone: str, now: datetime,
                    days: int = RECENT_DAYS) -> list[SessionDone]:
    """Finished sessions of the `days` days ending `today` (local), newest first."""
    first_day = today - timedelta(days=days - 1)
    floor = local_midnight(first_day, timezone) - WINDOW_SLACK
    with db.read_only() as session:
        rows = session.exec(
            select(WorkoutSession)
            .where(WorkoutSession.user_id == user_id, WorkoutSession.status == SESSION_FINISHED,
                   WorkoutSession.started_at >= floor, WorkoutSession.started_at <= now)
            .order_by(col(WorkoutSession.started_at).desc(), col(WorkoutSession.id).desc())
        ).all()
        kept = [r for r in rows if streaks.local_date(r.started_at, r.timezone) >= first_day]
        ids = [r.id for r in kept]
        set_rows = session.execute(
            sqlalchemy.select(col(WorkoutSet.session_id), col(WorkoutSet.exercise_id),
                              col(WorkoutSet.reps), col(WorkoutSet.seconds),
                              col(WorkoutSet.weight_kg), col(WorkoutSet.rpe), col(WorkoutSet.distance_m))
            .join(SessionExercise, col(SessionExercise.id) == col(WorkoutSet.session_exercise_id))
            .where(col(WorkoutSet.user_id) == user_id, col(WorkoutSet.session_id).in_(ids),
                   set_kinds.counted())
            .order_by(col(WorkoutSet.session_id), col(SessionExercise.position),
                      col(WorkoutSet.position))
        ).all() if ids else []
        names = exercise_names(session, user_id, {r[1] for r in set_rows})
    by_session: dict[int, dict[str, list]] = {}
    for session_id, exercise_id, reps, seconds, weight, rpe, distance in set_rows:
        by_session.setdefault(session_id, {}).setdefault(exercise_id, []).append(
            (reps, seconds, weight, rpe, distance))
    result = []
    for row in kept:
        exercises = []
        for exercise_id, sets in by_session.get(row.id or 0, {}).items():
            weight, reps, seconds, rpe, distance = _top(sets)
            exercises.append(ExerciseDone(exercise_id=exercise_id, name=names[exercise_id],
                                          sets=len(sets), top_weight_kg=weight, top_reps=reps,
                                          top_seconds=seconds, top_rpe=rpe, top_distance_m=distance))
        minutes = round(row.duration_seconds / 60) if row.duration_seconds else None
        result.append(SessionDone(
            id=row.id or 0, day=streaks.local_date(row.started_at, row.timezone).isoformat(),
            name=row.name, minutes=minutes, plan_id=row.plan_id, plan_day_index=row.plan_day_index,
            exercises=exercises,
        ))
    return result


def last_session_day(user_id: int, now: datetime) -> date | None:
    with db.read_only() as session:
        row = session.exec(
            select(WorkoutSession.started_at, WorkoutSession.timezone)
            .where(WorkoutSession.user_id == user_id, WorkoutSession.status == SESSION_FINISHED,
                   WorkoutSession.started_at <= now)
            .order_by(col(WorkoutSession.started_at).desc())
            .limit(1)
        ).first()
    return streaks.local_date(row[0], row[1]) if row is not None else None


def active_plan(user_id: int) -> PlanOutline | None:
    with db.read_only() as session:
        row = session.exec(
            select(WorkoutPlan)
            .where(WorkoutPlan.user_id == user_id, col(WorkoutPlan.is_active).is_(True))
            .order_by(col(WorkoutPlan.created_at).desc())
            .limit(1)
        ).first()
        return _plan_outline(row) if row is not None else None


def body_weight_trend(user_id: int, today: date) -> BodyWeightTrend | None:
    with db.read_only() as session:
        rows = session.exec(
            select(col(BodyMetric.measured_on), col(BodyMetric.weight_kg))
            .where(BodyMetric.user_id == user_id, col(BodyMetric.weight_kg).is_not(None),
                   BodyMetric.measured_on >= today - timedelta(days=BODY_WEIGHT_DAYS),
                   BodyMetric.measured_on <= today)
            .order_by(col(BodyMetric.measured_on))
        ).all()
    if not rows:
        return None
    (first_on, first_kg), (latest_on, latest_kg) = rows[0], rows[-1]
    assert first_kg is not None and latest_kg is not None  # the query keeps weighed rows only
    return BodyWeightTrend(first_on=first_on.isoformat(), first_kg=float(first_kg),
                           latest_on=latest_on.isoformat(), latest_kg=float(latest_kg),
                           entries=len(rows))


def today_session(summary: dashboard.DashboardSummary,
                  plan: PlanOutline | None) -> TodaySession | None:
    """The dashboard's pick for today, its exercises as `plan` prescribes them when it is that plan."""
    today = summary.today_plan
    if today is None:
        return None
    day = next((d for d in plan.days if d.index == today.day_index), None) if plan else None
    if day is not None and plan is not None and plan.id == today.plan_id:
        exercises = list(day.exercises)
    else:
        exercises = [PlannedExercise(exercise_id=e["exercise_id"], name=e["name"],
                                     sets=_int_or_none(e.get("sets")), reps=str(e.get("reps", "")))
                     for e in today.exercises]
    return TodaySession(**(vars(today) | {"exercises": exercises}))
