"""The public API's own tables: personal access tokens, and the changes it applied once."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, ForeignKey, Integer, UniqueConstraint
from sqlmodel import Field, SQLModel

from vigor_app.clock import utcnow


def _owner_fk(**kwargs) -> Column:
    return Column(Integer, ForeignKey("users.id", ondelete="CASCADE"), nullable=False, **kwargs)


class ApiToken(SQLModel, table=True):
    """A personal access token a member made on the Profile page. Only its SHA-256 is stored;
    `shown` is its first characters, so the member can tell their tokens apart."""

    __tablename__ = "api_tokens"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(sa_column=_owner_fk(index=True))
    name: str = Field(max_length=60)
    token_hash: str = Field(max_length=64, unique=True, index=True)
    shown: str = Field(max_length=16)
    scopes: str = Field(max_length=40)  # "read", "read write", "read write admin"
    created_at: datetime = Field(default_factory=utcnow)
    expires_at: datetime | None = Field(default=None)
    last_used_at: datetime | None = Field(default=None)
    revoked_at: datetime | None = Field(default=None)


class AppliedChange(SQLModel, table=True):
    """A change sent with an idempotency key, and what it answered: the same key sent again
    gets the same answer, and the change is not applied twice."""

    __tablename__ = "applied_changes"
    __table_args__ = (UniqueConstraint("user_id", "key", name="uq_applied_change_key"),)

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(sa_column=_owner_fk(index=True))
    key: str = Field(max_length=100)
    status: int  # the HTTP status the change answered
    answer: str = Field(max_length=20000)  # its JSON body
    created_at: datetime = Field(default_factory=utcnow, index=True)
