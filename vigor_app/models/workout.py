"""Logged training: sessions, the exercises in them, their sets, records and milestones;
and body metrics. Weights are stored in kilograms; times in UTC."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Column,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlmodel import Field, SQLModel

from vigor_app.clock import utcnow
from vigor_app.models.ids import NEVER_REUSED

SESSION_OPEN = "open"
SESSION_FINISHED = "finished"


def _fk(target: str, *, nullable: bool = False, ondelete: str = "CASCADE", index: bool = False) -> Column:
    return Column(Integer, ForeignKey(target, ondelete=ondelete), nullable=nullable, index=index)


class WorkoutSession(SQLModel, table=True):
    __tablename__ = "workout_sessions"
    __table_args__ = (
        Index("ix_workout_sessions_user_started", "user_id", "started_at"),
        Index("ix_workout_sessions_user_status", "user_id", "status"),
        NEVER_REUSED,  # links name workouts by id
    )

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(sa_column=_fk("users.id"))
    plan_id: int | None = Field(default=None, sa_column=_fk("workout_plans.id", nullable=True,
                                                            ondelete="SET NULL"))
    plan_day_index: int | None = Field(default=None)
    name: str = Field(max_length=120)
    status: str = Field(default=SESSION_OPEN, max_length=16)
    started_at: datetime = Field(default_factory=utcnow)
    ended_at: datetime | None = Field(default=None)
    duration_seconds: int | None = Field(default=None)
    intensity: int | None = Field(default=None)  # the person's overall effort, 1-10
    note: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    timezone: str = Field(default="UTC", max_length=64)  # the person's zone when they trained
    analysis: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)


class SessionExercise(SQLModel, table=True):
    __tablename__ = "workout_exercises"
    __table_args__ = (
        Index("ix_workout_exercises_session_position", "session_id", "position"),
        Index("ix_workout_exercises_user_exercise", "user_id", "exercise_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    session_id: int = Field(sa_column=_fk("workout_sessions.id"))
    user_id: int = Field(sa_column=_fk("users.id"))
    exercise_id: str = Field(sa_column=Column(String(80), ForeignKey("exercises.id"), nullable=False))
    position: int = Field(default=0)
    note: str = Field(default="", max_length=500)
    target_sets: int | None = Field(default=None)
    target_reps: str = Field(default="", max_length=16)  # "8-12", "10" or "30s"
    target_rpe: float | None = Field(default=None)
    rest_seconds: int = Field(default=90)
    # Exercises of a workout that share a number are done as a superset, in position order.
    superset: int | None = Field(default=None)


# The sets that count (done, not warm-ups: services/training/set_kinds.counted) as the condition
# of the partial indexes below, written as each database's queries read it: a database only
# takes a partial index for a query whose condition is the index's own.
COUNTED_SQLITE = "done = 1 AND kind != 'warmup'"
COUNTED_POSTGRESQL = "done AND kind <> 'warmup'"


def _counted_index(name: str, *columns: str) -> Index:
    """A partial index of the sets that count, holding `columns` (and done and kind, which
    SQLite needs in an index to answer a query from it alone)."""
    return Index(name, *columns, "done", "kind", sqlite_where=text(COUNTED_SQLITE),
                 postgresql_where=text(COUNTED_POSTGRESQL))


class WorkoutSet(SQLModel, table=True):
    __tablename__ = "workout_sets"
    __table_args__ = (
        # Covering indexes: reads take what they need from the index alone (an exercise's sets
        # of a person; a window of sessions' sets).
        Index("ix_workout_sets_user_exercise_session", "user_id", "exercise_id", "session_id", "done", "kind",
              "weight_kg", "reps", "seconds", "distance_m"),
        Index("ix_workout_sets_entry_position", "session_exercise_id", "position"),
        Index("ix_workout_sets_session_exercise", "session_id", "exercise_id", "done", "kind", "weight_kg", "reps"),
        # The same two ways in, holding only the sets that count: what the progress reads sum
        # and rank (five years are some 30,000 of them), without reading warm-ups or undone sets.
        _counted_index("ix_workout_sets_counted_by_exercise", "user_id", "exercise_id", "session_id",
                       "weight_kg", "reps", "seconds", "distance_m"),
        _counted_index("ix_workout_sets_counted_by_session", "session_id", "exercise_id", "weight_kg", "reps",
                       "seconds", "distance_m"),
    )

    id: int | None = Field(default=None, primary_key=True)
    session_exercise_id: int = Field(sa_column=_fk("workout_exercises.id"))
    session_id: int = Field(sa_column=_fk("workout_sessions.id"))
    user_id: int = Field(sa_column=_fk("users.id"))
    exercise_id: str = Field(max_length=80)
    position: int = Field(default=0)
    reps: int | None = Field(default=None)
    seconds: int | None = Field(default=None)
    weight_kg: float | None = Field(default=None)
    distance_m: float | None = Field(default=None)  # cardio: how far, in metres
    rpe: float | None = Field(default=None)
    done: bool = Field(default=False)
    completed_at: datetime | None = Field(default=None)
    changed_at: datetime | None = Field(default=None)  # the person's last change (docs/offline.md)
    # normal | warmup | drop | failure (services/training/set_kinds.py)
    kind: str = Field(default="normal", sa_column=Column(String(16), nullable=False, server_default="normal"))


class PersonalRecord(SQLModel, table=True):
    __tablename__ = "personal_records"
    __table_args__ = (Index("ix_personal_records_user_achieved", "user_id", "achieved_at"),)

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(sa_column=_fk("users.id"))
    exercise_id: str = Field(max_length=80)
    kind: str = Field(max_length=32)  # records.KINDS: weight_for_reps, e1rm, ..., fastest_5k, best_pace
    reps: int | None = Field(default=None)
    value: float
    previous: float | None = Field(default=None)
    set_id: int | None = Field(default=None, sa_column=_fk("workout_sets.id", nullable=True,
                                                           ondelete="CASCADE"))
    session_id: int | None = Field(default=None, sa_column=_fk("workout_sessions.id", nullable=True,
                                                               ondelete="CASCADE"))
    achieved_at: datetime = Field(default_factory=utcnow)


class EarnedMilestone(SQLModel, table=True):
    __tablename__ = "milestones"
    __table_args__ = (UniqueConstraint("user_id", "key", name="uq_milestone_user_key"),)

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(sa_column=_fk("users.id", index=True))
    key: str = Field(max_length=32)
    earned_at: datetime = Field(default_factory=utcnow)
    seen: bool = Field(default=False)


class BodyMetric(SQLModel, table=True):
    __tablename__ = "body_metrics"
    __table_args__ = (UniqueConstraint("user_id", "measured_on", name="uq_body_metric_user_day"),)

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(sa_column=_fk("users.id", index=True))
    measured_on: date = Field(sa_column=Column(Date, nullable=False))
    weight_kg: float | None = Field(default=None)
    body_fat_pct: float | None = Field(default=None)
    waist_cm: float | None = Field(default=None)
    chest_cm: float | None = Field(default=None)
    arms_cm: float | None = Field(default=None)
    thighs_cm: float | None = Field(default=None)
    created_at: datetime = Field(default_factory=utcnow)
