"""Which provider answers which AI feature: routing rules, switches and experiments.

Precedence (services/ai/routing.py): a switch beats a running experiment, which beats a tier
rule, which beats the feature's own order, which beats the global order (providers by
priority); the built-in engine is always last.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Column, ForeignKey, Index, Integer
from sqlmodel import Field, SQLModel

from vigor_app.clock import utcnow
from vigor_app.models.ids import NEVER_REUSED


def _provider_fk(*, nullable: bool) -> Column:
    return Column(Integer, ForeignKey("ai_providers.id", ondelete="SET NULL" if nullable else "CASCADE"),
                  nullable=nullable)


class AiRoute(SQLModel, table=True):
    """A feature's own provider order (`tier` None), or its order for one tier's members."""

    __tablename__ = "ai_routes"
    __table_args__ = (Index("ix_ai_routes_feature_tier", "feature", "tier", unique=True), NEVER_REUSED)

    id: int | None = Field(default=None, primary_key=True)
    feature: str = Field(max_length=16)
    tier: str | None = Field(default=None, max_length=16)
    provider_ids: list[int] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))  # in order
    updated_by: int | None = Field(default=None, sa_column=Column(Integer, ForeignKey("users.id", ondelete="SET NULL"),
                                                                  nullable=True))
    updated_at: datetime = Field(default_factory=utcnow)


class AiSwitch(SQLModel, table=True):
    """"Switch now": a feature answered by one provider first, until switched back (`ended_at`)."""

    __tablename__ = "ai_switches"
    __table_args__ = (Index("ix_ai_switches_feature_ended", "feature", "ended_at"), NEVER_REUSED)

    id: int | None = Field(default=None, primary_key=True)
    feature: str = Field(max_length=16)
    provider_id: int | None = Field(default=None, sa_column=_provider_fk(nullable=True))
    reason: str = Field(default="", max_length=200)
    created_by: int | None = Field(default=None, sa_column=Column(Integer, ForeignKey("users.id", ondelete="SET NULL"),
                                                                  nullable=True))
    created_at: datetime = Field(default_factory=utcnow)
    ended_at: datetime | None = Field(default=None)


class AiExperiment(SQLModel, table=True):
    """An A/B test of two providers for one feature; members are assigned to an arm for good
    (a hash of the experiment and the member). `split_a`: the percent of members in arm A."""

    __tablename__ = "ai_experiments"
    __table_args__ = (Index("ix_ai_experiments_feature_status", "feature", "status"), NEVER_REUSED)

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=80)
    feature: str = Field(max_length=16)
    arm_a_provider_id: int | None = Field(default=None, sa_column=_provider_fk(nullable=True))
    arm_b_provider_id: int | None = Field(default=None, sa_column=_provider_fk(nullable=True))
    split_a: int = Field(default=50)  # 1..99
    status: str = Field(default="running", max_length=16)  # running | stopped
    winner: str | None = Field(default=None, max_length=1)  # a | b, once promoted
    created_by: int | None = Field(default=None, sa_column=Column(Integer, ForeignKey("users.id", ondelete="SET NULL"),
                                                                  nullable=True))
    created_at: datetime = Field(default_factory=utcnow)
    stopped_at: datetime | None = Field(default=None)
