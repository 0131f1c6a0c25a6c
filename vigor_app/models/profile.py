"""What a person told Vigor about themselves: level, goals, equipment, injuries, schedule."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Column, ForeignKey, Integer, false
from sqlmodel import Field, SQLModel

from vigor_app.clock import utcnow


class FitnessProfile(SQLModel, table=True):
    __tablename__ = "fitness_profiles"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(
        sa_column=Column(Integer, ForeignKey("users.id", ondelete="CASCADE"), nullable=False, unique=True)
    )
    fitness_level: str = Field(default="beginner", max_length=16)
    goals: list[str] = Field(default_factory=lambda: ["general_fitness"], sa_column=Column(JSON, nullable=False))
    equipment: list[str] = Field(default_factory=lambda: ["bodyweight"], sa_column=Column(JSON, nullable=False))
    injuries: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    days_per_week: int = Field(default=3)
    preferred_weekdays: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    session_minutes: int = Field(default=45)
    units: str = Field(default="kg", max_length=2)  # kg | lb; weights are stored in kg
    timezone: str = Field(default="UTC", max_length=64)
    # A message from the coach each day, at this local hour (0-23).
    daily_motivation: bool = Field(default=False, sa_column_kwargs={"server_default": false()})
    motivation_hour: int = Field(default=8, sa_column_kwargs={"server_default": "8"})
    # The bar and the plates at the person's gym, for the plate calculator; None: the usual
    # kit in their units (services/training/plates.py).
    bar_kg: float | None = Field(default=None)
    plates_kg: list[float] | None = Field(default=None, sa_column=Column(JSON, nullable=True))
    onboarded_at: datetime | None = Field(default=None)
    updated_at: datetime = Field(default_factory=utcnow)
