"""Weekly plans: the inputs they were built from, the engine that built them, and the plan."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column, ForeignKey, Index, Integer
from sqlmodel import Field, SQLModel

from vigor_app.clock import utcnow


class WorkoutPlan(SQLModel, table=True):
    __tablename__ = "workout_plans"
    __table_args__ = (Index("ix_workout_plans_user_created", "user_id", "created_at"),)

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(sa_column=Column(Integer, ForeignKey("users.id", ondelete="CASCADE"), nullable=False))
    name: str = Field(max_length=80)
    is_active: bool = Field(default=False)
    engine: str = Field(default="builtin", max_length=64)  # "builtin" or the provider that answered
    seed: int = Field(default=0)
    ai_request_id: str | None = Field(default=None, max_length=32)  # the gateway request that wrote it
    inputs: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    plan: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)
