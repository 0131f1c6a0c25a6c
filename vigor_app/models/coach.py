"""Coach conversations: the person's messages and the coach's replies, kept per person."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Column, Date, ForeignKey, Index, Integer, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from vigor_app.clock import utcnow

ROLE_PERSON = "user"
ROLE_COACH = "assistant"
KIND_CHAT = "chat"
KIND_MOTIVATION = "motivation"
KIND_ANALYSIS = "analysis"


class CoachConversation(SQLModel, table=True):
    __tablename__ = "coach_conversations"
    __table_args__ = (Index("ix_coach_conversations_user_updated", "user_id", "updated_at"),)

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(sa_column=Column(Integer, ForeignKey("users.id", ondelete="CASCADE"), nullable=False))
    title: str = Field(default="New conversation", max_length=120)
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)


class CoachMessage(SQLModel, table=True):
    __tablename__ = "coach_messages"
    __table_args__ = (
        Index("ix_coach_messages_conversation_id", "conversation_id", "id"),
        Index("ix_coach_messages_user_created", "user_id", "created_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    conversation_id: int = Field(
        sa_column=Column(Integer, ForeignKey("coach_conversations.id", ondelete="CASCADE"), nullable=False))
    user_id: int = Field(sa_column=Column(Integer, ForeignKey("users.id", ondelete="CASCADE"), nullable=False))
    role: str = Field(max_length=16)  # user | assistant
    kind: str = Field(default=KIND_CHAT, max_length=16)  # chat | motivation | analysis
    content: str = Field(sa_column=Column(Text, nullable=False))
    engine: str = Field(default="", max_length=64)  # who wrote a coach reply: "builtin" or a provider
    notice: str = Field(default="", max_length=500)  # why the built-in coach answered, when it did
    ai_request_id: str | None = Field(default=None, max_length=32)  # the gateway request that wrote it
    session_id: int | None = Field(
        default=None, sa_column=Column(Integer, ForeignKey("workout_sessions.id", ondelete="SET NULL"),
                                       nullable=True))
    created_at: datetime = Field(default_factory=utcnow)


class DailyMotivationRun(SQLModel, table=True):
    """One row per person per local day: the unique key makes the daily message exactly-once,
    however many scheduler instances race for it."""

    __tablename__ = "daily_motivation_runs"
    __table_args__ = (UniqueConstraint("user_id", "local_date", name="uq_daily_motivation_user_day"),)

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(sa_column=Column(Integer, ForeignKey("users.id", ondelete="CASCADE"), nullable=False))
    local_date: date = Field(sa_column=Column(Date, nullable=False))
    message_id: int | None = Field(default=None)
    created_at: datetime = Field(default_factory=utcnow)
