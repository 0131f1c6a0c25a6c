"""The audit log: every account and admin change, with who, when, before and after."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from sqlmodel import Session, col, select

from vigor_app.clock import utcnow
from vigor_app.models import AuditEntry


def _dump(value: Any) -> str | None:
    if value is None:
        return None
    return json.dumps(value, sort_keys=True, default=str)


def record(
    session: Session,
    *,
    actor_user_id: int | None,
    action: str,
    target_type: str = "",
    target_id: str | int = "",
    before: Any = None,
    after: Any = None,
    client_ip: str = "",
    now: datetime | None = None,
) -> None:
    """Add an audit entry inside the caller's transaction (so it commits with the change)."""
    session.add(
        AuditEntry(
            created_at=now or utcnow(),
            actor_user_id=actor_user_id,
            action=action,
            target_type=target_type,
            target_id=str(target_id),
            before=_dump(before),
            after=_dump(after),
            client_ip=client_ip[:64],
        )
    )


def entries(session: Session, *, action: str | None = None, limit: int = 100) -> list[AuditEntry]:
    query = select(AuditEntry).order_by(col(AuditEntry.created_at).desc(), col(AuditEntry.id).desc())
    if action:
        query = query.where(AuditEntry.action == action)
    return list(session.exec(query.limit(limit)).all())
