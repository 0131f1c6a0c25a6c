"""Web Push: the devices a member turned notifications on for (docs/offline.md)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, ForeignKey, Integer
from sqlmodel import Field, SQLModel

from vigor_app.clock import utcnow

ENDPOINT_MAX = 1000  # the push services' addresses run to a few hundred characters


class PushSubscription(SQLModel, table=True):
    """One browser on one device: where its push service takes messages (`endpoint`, one row
    each) and the keys its messages are encrypted to. Removed when the member turns it off,
    when the push service says it is gone (404/410) and with the account."""

    __tablename__ = "push_subscriptions"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(sa_column=Column(Integer, ForeignKey("users.id", ondelete="CASCADE"),
                                          nullable=False, index=True))
    endpoint: str = Field(max_length=ENDPOINT_MAX, unique=True, index=True)
    p256dh: str = Field(max_length=100)  # the browser's P-256 public key, base64url (65 bytes)
    auth: str = Field(max_length=40)  # its authentication secret, base64url (16 bytes)
    device: str = Field(default="", max_length=80)  # "Chrome on Android": for the member to tell them apart
    created_at: datetime = Field(default_factory=utcnow)
    last_used_at: datetime | None = Field(default=None)  # the last push the service accepted
