"""Members' feedback on what the AI (or the built-in coach) wrote for them: a thumbs up or down
with an optional reason, one per member per coach message or plan, kept with the request
(`ai_attempts.request_id`) that produced it."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, ForeignKey, Index, Integer, UniqueConstraint
from sqlmodel import Field, SQLModel

from vigor_app.clock import utcnow

KIND_COACH_REPLY = "coach_reply"
KIND_ANALYSIS = "analysis"
KIND_MOTIVATION = "motivation"
KIND_PLAN = "plan"
KINDS = (KIND_COACH_REPLY, KIND_ANALYSIS, KIND_MOTIVATION, KIND_PLAN)
MAX_REASON = 280


class AiFeedback(SQLModel, table=True):
    """One member's vote on one coach message or plan. The item's id is a foreign key set to
    NULL when the member deletes the item: the vote stays with the request that produced it
    (for the console's figures) until the member's account goes."""

    __tablename__ = "ai_feedback"
    __table_args__ = (
        UniqueConstraint("user_id", "message_id", name="uq_ai_feedback_user_message"),
        UniqueConstraint("user_id", "plan_id", name="uq_ai_feedback_user_plan"),
        Index("ix_ai_feedback_updated", "updated_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(sa_column=Column(Integer, ForeignKey("users.id", ondelete="CASCADE"), nullable=False,
                                          index=True))
    kind: str = Field(max_length=16)  # coach_reply | analysis | motivation | plan
    message_id: int | None = Field(
        default=None, sa_column=Column(Integer, ForeignKey("coach_messages.id", ondelete="SET NULL"),
                                       nullable=True))
    plan_id: int | None = Field(
        default=None, sa_column=Column(Integer, ForeignKey("workout_plans.id", ondelete="SET NULL"),
                                       nullable=True))
    request_id: str | None = Field(default=None, max_length=32, index=True)  # ai_attempts.request_id
    engine: str = Field(default="", max_length=64)  # who wrote the item, as stored on it
    vote: int  # +1 helped, -1 did not help
    reason: str = Field(default="", max_length=MAX_REASON)
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)
