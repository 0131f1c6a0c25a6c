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


def stats(session: Session, user_id: int, now: datetime) -> milestones.Stats:
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
    lifted = session.exec(
        select(func.coalesce(func.sum(col(WorkoutSet.weight_kg) * col(WorkoutSet.reps)), 0))
        .where(WorkoutSet.user_id == user_id, set_kinds.counted())
    ).one()
    records_count = session.exec(select(func.count()).where(PersonalRecord.user_id == user_id)).one()
    return milestones.Stats(
        total_workouts=len(finished),
        current_streak=streaks.current_streak(facts, now, profile or "UTC"),
        longest_streak=streaks.longest_streak(facts, now),
        total_lifted_kg=float(lifted or 0),
        records_count=int(records_count),
    )


def award(session: Session, user_id: int, now: datetime | None = None) -> list[milestones.Milestone]:
    """Store and return the milestones reached for the first time (inside the caller's transaction)."""
    now = now or utcnow()
    already = set(session.exec(select(EarnedMilestone.key).where(EarnedMilestone.user_id == user_id)).all())
    new = milestones.newly_earned(stats(session, user_id, now), already)
    for milestone in new:
        session.add(EarnedMilestone(user_id=user_id, key=milestone.key, earned_at=now))
    return new
