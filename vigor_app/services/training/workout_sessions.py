"""Starting and finishing a workout: from one day of a plan or freestyle (one open at a time),
naming and noting it, finishing it, correcting a finished one's time, deleting one.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import func
from sqlmodel import Session, col, select

from vigor_app import db
from vigor_app.clock import utcnow
from vigor_app.models import FitnessProfile, WorkoutPlan, WorkoutSession, WorkoutSet
from vigor_app.models.workout import SESSION_FINISHED, SESSION_OPEN
from vigor_app.services.errors import NotFound, ValidationError
from vigor_app.services.plans import library as plan_library
from vigor_app.services.plans.progression import DELOAD_FACTOR as DELOAD_LOAD_FACTOR
from vigor_app.services.text_rules import plain_text
from vigor_app.services.training import achievements, milestones
from vigor_app.services.training.set_values import field_number
from vigor_app.services.training.workout_entries import DEFAULT_REST, MAX_EXERCISES, add_entry
from vigor_app.services.training.workout_sets import DEFAULT_SETS
from vigor_app.services.training.workout_views import (
    SessionView,
    changed,
    owned_session,
    session_view,
    touch,
)
from vigor_app.services.units import KG

MAX_SESSION_NOTE = 2000


@dataclass
class FinishResult:
    session: SessionView
    milestones: list[milestones.Milestone] = field(default_factory=list)


# -- starting ------------------------------------------------------------------------------


def _person(session: Session, user_id: int) -> tuple[str, str]:
    """The person's time zone and units (UTC and kg without a profile)."""
    profile = session.exec(select(FitnessProfile).where(FitnessProfile.user_id == user_id)).first()
    return (profile.timezone, profile.units) if profile else ("UTC", KG)


def _refuse_second_open(session: Session, user_id: int) -> None:
    if session.exec(select(WorkoutSession.id).where(WorkoutSession.user_id == user_id,
                                                    WorkoutSession.status == SESSION_OPEN)).first():
        raise ValidationError("You already have a workout in progress. Finish or discard it first.",
                              field="session")


def start_from_plan(user_id: int, plan_id: int, day_index: int, *, now: datetime | None = None) -> SessionView:
    """Start a session from one day of a plan, in the week of its block the person is in: that
    week's exercises and targets (sets, reps, RPE), last time's weights (a deload week's about
    10 % lighter)."""
    now = now or utcnow()
    with db.transaction() as session:
        plan = session.get(WorkoutPlan, plan_id)
        if plan is None or plan.user_id != user_id:
            raise NotFound("That plan does not exist.")
        days = plan.plan.get("days", [])
        if not isinstance(day_index, int) or not 0 <= day_index < len(days):
            raise NotFound("That day is not in the plan.")
        _refuse_second_open(session, user_id)
        zone, units = _person(session, user_id)
        week = plan_library.plan_week(plan.plan, plan.inputs,
                                      plan_library.finished_sessions(session, user_id, plan_id))
        day = week.days[day_index] if week is not None else days[day_index]
        name = str(day.get("name", f"Day {day_index + 1}"))
        if week is not None:
            name += f" · week {week.number}{' (deload)' if week.deload else ''}"
        row = WorkoutSession(user_id=user_id, plan_id=plan_id, plan_day_index=day_index,
                             name=name[:120], started_at=now,
                             timezone=zone, created_at=now, updated_at=now)
        session.add(row)
        session.flush()
        for position, item in enumerate(day.get("exercises", [])[:MAX_EXERCISES]):
            add_entry(session, user_id, row, str(item.get("exercise_id")), position,
                      target_sets=int(item.get("sets") or DEFAULT_SETS), target_reps=str(item.get("reps", "")),
                      target_rpe=item.get("rpe"), rest_seconds=int(item.get("rest_seconds") or DEFAULT_REST),
                      load_factor=DELOAD_LOAD_FACTOR if week is not None and week.deload else 1.0,
                      ramp=item.get("warmup_sets") if isinstance(item.get("warmup_sets"), list) else None,
                      unit=units)
        session.flush()
        return session_view(session, row)


def start_freestyle(user_id: int, name: str = "", *, now: datetime | None = None) -> SessionView:
    """A workout with no plan behind it, named `name` (checked as a rename is) or "Freestyle workout"."""
    name = plain_text(name, label="The workout's name", field="name", limit=120, multiline=False)
    now = now or utcnow()
    with db.transaction() as session:
        _refuse_second_open(session, user_id)
        row = WorkoutSession(user_id=user_id, name=name or "Freestyle workout", started_at=now,
                             timezone=_person(session, user_id)[0], created_at=now, updated_at=now)
        session.add(row)
        session.flush()
        return session_view(session, row)


# -- naming, finishing, correcting ---------------------------------------------------------


def set_session_details(user_id: int, session_id: int, *, name: str | None = None, note: str | None = None,
                        intensity=None) -> SessionView:
    with db.transaction() as session:
        row = owned_session(session, user_id, session_id)
        if name is not None:
            name = plain_text(name, label="The workout's name", field="name", limit=120, multiline=False)
            if not name:
                raise ValidationError("Give the workout a name.", field="name")
            row.name = name
        if note is not None:
            row.note = plain_text(note, label="The workout's note", field="note", limit=MAX_SESSION_NOTE)
        if intensity is not None:
            row.intensity = field_number(intensity, "Intensity", "intensity", low=1, high=10, integer=True)
        return changed(session, row)


def finish(user_id: int, session_id: int, *, intensity=None, now: datetime | None = None) -> FinishResult:
    """End the workout: end time and duration recorded; sets never ticked are dropped."""
    now = now or utcnow()
    parsed_intensity = field_number(intensity, "Intensity", "intensity", low=1, high=10, integer=True)
    with db.transaction() as session:
        row = owned_session(session, user_id, session_id)
        if row.status == SESSION_FINISHED:
            return FinishResult(session=session_view(session, row))
        done = session.exec(select(func.count()).where(WorkoutSet.session_id == row.id, WorkoutSet.done)).one()
        if not done:
            raise ValidationError("Tick at least one set before finishing, or discard the workout.",
                                  field="session")
        for unticked in session.exec(select(WorkoutSet).where(WorkoutSet.session_id == row.id,
                                                              col(WorkoutSet.done).is_(False))).all():
            session.delete(unticked)
        row.status = SESSION_FINISHED
        row.ended_at = now
        row.duration_seconds = max(0, int((now - row.started_at).total_seconds()))
        if parsed_intensity is not None:
            row.intensity = parsed_intensity
        touch(row, session)
        session.flush()
        earned = achievements.award(session, user_id, now)
        return FinishResult(session=session_view(session, row), milestones=earned)


def delete_session(user_id: int, session_id: int) -> None:
    """Delete a workout (open or finished) with its sets and the records they set."""
    with db.transaction() as session:
        row = owned_session(session, user_id, session_id)
        session.delete(row)  # exercises, sets and records go with it (ON DELETE CASCADE)


def edit_finished(user_id: int, session_id: int, *, started_at: datetime | None = None,
                  duration_minutes=None) -> SessionView:
    """Correct a past workout's start time or length."""
    with db.transaction() as session:
        row = owned_session(session, user_id, session_id)
        if row.status != SESSION_FINISHED:
            raise ValidationError("Finish the workout before editing its time.", field="session")
        if started_at is not None:
            if started_at > utcnow() + timedelta(minutes=5):
                raise ValidationError("A workout cannot start in the future.", field="started_at")
            row.started_at = started_at
        if duration_minutes is not None:
            minutes = field_number(duration_minutes, "Duration", "duration", low=1, high=24 * 60, integer=True)
            if minutes is None:
                raise ValidationError("Enter how many minutes the workout took.", field="duration")
            row.duration_seconds = int(minutes) * 60
        row.ended_at = row.started_at + timedelta(seconds=row.duration_seconds or 0)
        return changed(session, row)
