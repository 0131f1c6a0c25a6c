"""The console's "Member feedback": members' thumbs up and down per provider and model, with the
share that helped and the latest reasons (admins only).

A vote is counted against the final attempt of the request that produced its item
(`ai_attempts.final`, joined on `request_id`): the provider that answered, or the cache, or the
built-in engine (its own "provider", `builtin`). An item no request wrote (a safety reply, a plan
the built-in engine made without the gateway, an item from before votes kept the request) counts
under the engine stored on it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy
from sqlalchemy import case, func
from sqlmodel import Session, col

from vigor_app import db
from vigor_app.clock import utcnow
from vigor_app.models import AiAttempt
from vigor_app.models.feedback import AiFeedback
from vigor_app.services.accounts.roles import require_admin
from vigor_app.services.admin.analytics import period_bounds

RECENT_REASONS = 10
UNKNOWN = "unknown"


@dataclass(frozen=True)
class FeedbackGroup:
    provider: str  # a provider's name, "builtin", or the engine stored on the item
    model: str  # "" for the built-in engine and items no request wrote
    up: int
    down: int
    arm: str = ""  # the experiment arm ("a" or "b") the request was routed by, "" outside one

    @property
    def total(self) -> int:
        return self.up + self.down

    @property
    def share_up(self) -> float | None:
        """The share of votes that said "this helped"; None without votes."""
        return self.up / self.total if self.total else None


@dataclass(frozen=True)
class Reason:
    when: datetime
    kind: str
    provider: str
    model: str
    vote: int
    reason: str


@dataclass(frozen=True)
class FeedbackSummary:
    groups: tuple[FeedbackGroup, ...]  # most votes first
    recent: tuple[Reason, ...]  # newest first
    up: int
    down: int


def _final_attempts() -> Any:
    """One row per request: who answered it (its final attempt)."""
    return (sqlalchemy.select(col(AiAttempt.request_id).label("request_id"),
                              func.max(AiAttempt.provider_name).label("provider"),
                              func.max(AiAttempt.model).label("model"),
                              func.max(AiAttempt.arm).label("arm"))
            .where(col(AiAttempt.final).is_(True))
            .group_by(col(AiAttempt.request_id))
            .subquery("final_attempt"))


def _grouped_by(final: Any) -> list[Any]:
    """The columns votes are counted by: provider, model and experiment arm ("" outside one)."""
    provider = func.coalesce(final.c.provider, func.nullif(AiFeedback.engine, ""), UNKNOWN)
    return [provider.label("provider"), func.coalesce(final.c.model, "").label("model"),
            func.coalesce(final.c.arm, "").label("arm")]


def summary(actor_id: int, days: int = 30, *, now: datetime | None = None,
            recent: int = RECENT_REASONS) -> FeedbackSummary:
    """Votes given or changed in the last `days` UTC days (as the usage page counts them)."""
    starts, ends, _ = period_bounds(days, now or utcnow())
    with db.read_only() as session:
        require_admin(session, actor_id)
        return _summary(session, starts, ends, recent)


def _summary(session: Session, starts: datetime, ends: datetime, recent: int) -> FeedbackSummary:
    final = _final_attempts()
    grouped = _grouped_by(final)
    in_period = (col(AiFeedback.updated_at) >= starts, col(AiFeedback.updated_at) < ends)
    up = func.sum(case((col(AiFeedback.vote) > 0, 1), else_=0))
    down = func.sum(case((col(AiFeedback.vote) < 0, 1), else_=0))
    joined = sqlalchemy.select(AiFeedback).outerjoin(final, final.c.request_id == AiFeedback.request_id)
    rows = session.execute(
        joined.with_only_columns(*grouped, up, down).where(*in_period).group_by(*grouped)).all()
    groups = sorted((FeedbackGroup(**{c.name: value for c, value in zip(grouped, row[:len(grouped)],
                                                                           strict=True)},
                                   up=int(row[-2] or 0), down=int(row[-1] or 0)) for row in rows),
                    key=lambda g: (-g.total, g.provider, g.model, g.arm))
    reasons = session.execute(
        joined.with_only_columns(col(AiFeedback.updated_at), col(AiFeedback.kind), *grouped[:2],
                                 col(AiFeedback.vote), col(AiFeedback.reason))
        .where(*in_period, col(AiFeedback.reason) != "")
        .order_by(col(AiFeedback.updated_at).desc(), col(AiFeedback.id).desc()).limit(recent)).all()
    return FeedbackSummary(
        groups=tuple(groups),
        recent=tuple(Reason(when=r[0], kind=r[1], provider=r[2], model=r[3], vote=r[4], reason=r[5])
                     for r in reasons),
        up=sum(g.up for g in groups), down=sum(g.down for g in groups))
