"""The exercise catalogue in the database: Vigor's own entries (synced from
vigor_app/data/exercises.json) and, later, a person's custom exercises."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column, ForeignKey, Integer
from sqlmodel import Field, SQLModel

from vigor_app.clock import utcnow


class Exercise(SQLModel, table=True):
    __tablename__ = "exercises"

    id: str = Field(primary_key=True, max_length=80)  # the catalogue's stable slug
    name: str = Field(max_length=120, index=True)
    pattern: str = Field(max_length=32, index=True)
    level: str = Field(max_length=16)
    details: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    is_custom: bool = Field(default=False)
    owner_user_id: int | None = Field(
        default=None,
        sa_column=Column(Integer, ForeignKey("users.id", ondelete="CASCADE"), nullable=True, index=True),
    )
    retired: bool = Field(default=False)  # no longer in the catalogue file; kept for old logs
    updated_at: datetime = Field(default_factory=utcnow)
