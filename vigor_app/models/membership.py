"""Requests to move to a higher tier, and what became of them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, ForeignKey, Index, Integer
from sqlmodel import Field, SQLModel

from vigor_app.clock import utcnow
from vigor_app.models.ids import NEVER_REUSED

REQUEST_PENDING = "pending"
REQUEST_APPROVED = "approved"
REQUEST_DECLINED = "declined"


class UpgradeRequest(SQLModel, table=True):
    __tablename__ = "upgrade_requests"
    __table_args__ = (Index("ix_upgrade_requests_user_status", "user_id", "status"), NEVER_REUSED)

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(sa_column=Column(Integer, ForeignKey("users.id", ondelete="CASCADE"), nullable=False))
    from_tier: str = Field(max_length=16)
    to_tier: str = Field(max_length=16)
    note: str = Field(default="", max_length=500)
    status: str = Field(default=REQUEST_PENDING, max_length=16, index=True)
    decided_by: int | None = Field(
        default=None, sa_column=Column(Integer, ForeignKey("users.id", ondelete="SET NULL"), nullable=True))
    reason: str = Field(default="", max_length=500)
    created_at: datetime = Field(default_factory=utcnow)
    decided_at: datetime | None = Field(default=None)


class TierOffer(SQLModel, table=True):
    """How a tier is presented on the Membership page: its price and what it unlocks (admins edit)."""

    __tablename__ = "tier_offers"

    tier: str = Field(primary_key=True, max_length=16)
    price_text: str = Field(default="", max_length=60)  # e.g. "$9 a month"; empty: free or unpriced
    unlocks: str = Field(default="", max_length=300)
    updated_at: datetime = Field(default_factory=utcnow)
