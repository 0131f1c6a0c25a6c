"""Awards milestones: measures a person's totals and stores the milestones newly reached."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func
from sqlmodel import Session, col, select

from vigor_app.clock import utcnow
from vigor_app.models import (
    EarnedMilestone,
    FitnessProfile,
    PersonalRecord,
    WorkoutSession,
    WorkoutSet,
)
from vigor_app.models.workout import SESSION_FINISHED
from vigor_app.services.training import milestones, set_kinds, streaks


def stats(session: Session, user_id: int, now: datetime,
          measures: frozenset[str] = milestones.MEASURES) -> milestones.Stats:
    """The figures of `measures` (the others are left at 0: nothing is read for them)."""
    workouts = current = longest = 0
    if {"workouts", "streak"} & measures:
        workouts, current, longest = _workout_figures(session, user_id, now)
    lifted: float | None = 0.0
    records_count = 0
    if "lifted" in measures:
        lifted = session.exec(
            select(func.coalesce(func.sum(col(WorkoutSet.weight_kg) * col(WorkoutSet.reps)), 0))
            .where(WorkoutSet.user_id == user_id, set_kinds.counted())
        ).one()
    if "records" in measures:
        records_count = session.exec(select(func.count()).where(PersonalRecord.user_id == user_id)).one()
    return milestones.Stats(
        total_workouts=workouts,
        current_streak=current,
        longest_streak=longest,
        total_lifted_kg=float(lifted or 0),
        records_count=int(records_count),
    )


def _workout_figures(session: Session, user_id: int, now: datetime) -> tuple[int, int, int]:
    """Finished workouts, the current streak and the longest streak."""
    finished = session.exec(
        select(WorkoutSession.id, WorkoutSession.started_at, WorkoutSession.duration_seconds,
               WorkoutSession.timezone)
        .where(WorkoutSession.user_id == user_id, WorkoutSession.status == SESSION_FINISHED)
    ).all()
    logged = streaks.logged_seconds(session, user_id, (sid or 0 for sid, _, seconds, _ in finished
                                                      if streaks.is_short(seconds)))
    facts = [streaks.SessionFact(started_at=at, duration_seconds=max(seconds or 0, logged.get(sid or 0, 0)),
                                 timezone=zone)
             for sid, at, seconds, zone in finished]
    profile = session.exec(select(FitnessProfile.timezone).where(FitnessProfile.user_id == user_id)).first()
    return (len(finished), streaks.current_streak(facts, now, profile or "UTC"),
            streaks.longest_streak(facts, now))


def award(session: Session, user_id: int, now: datetime | None = None, *,
          measures: frozenset[str] = milestones.MEASURES) -> list[milestones.Milestone]:
    """Store and return the milestones reached for the first time (inside the caller's
    transaction). `measures`: the figures that may have changed (a saved set changes only the
    weight lifted and the records: `milestones.SET_MEASURES`); only those not yet earned in full
    are read, so a set saved by someone with years of training costs no streak reading."""
    now = now or utcnow()
    already = set(session.exec(select(EarnedMilestone.key).where(EarnedMilestone.user_id == user_id)).all())
    wanted = milestones.open_measures(already, measures)
    if not wanted:
        return []
    new = milestones.newly_earned(stats(session, user_id, now, wanted), already, wanted)
    for milestone in new:
        session.add(EarnedMilestone(user_id=user_id, key=milestone.key, earned_at=now))
    return new
