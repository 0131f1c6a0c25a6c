"""The audit log: every account and admin change, with who, when, before and after.

Entries are never edited, with one exception: when a person deletes their account,
`forget_person` replaces what the entries about them say (e-mail, username, the reasons an
admin wrote, their IP address) with "deleted account #<id>". The rows stay, as events; user
ids are never handed out again (AUTOINCREMENT), so "#<id>" keeps naming only that account.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from sqlalchemy import and_, or_, update
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


def deleted_account(user_id: int) -> str:
    """What the audit log says instead of a deleted person's details."""
    return f"deleted account #{user_id}"


def forget_person(
    session: Session,
    user_id: int,
    *,
    email: str,
    related: dict[str, list[int]] | None = None,
) -> None:
    """Remove a deleted person's details from the log, inside the deletion's transaction.

    Entries about them (target user `user_id`, or one of the `related` targets, e.g. their
    upgrade requests, or any entry that quotes their e-mail) keep their action and time;
    their before and after become ``{"account": "deleted account #<id>"}``. Entries they
    made lose their IP address (the actor link itself is set to NULL by the foreign key).
    """
    note = _dump({"account": deleted_account(user_id)})
    about = [and_(col(AuditEntry.target_type) == "user", col(AuditEntry.target_id) == str(user_id))]
    for target_type, ids in (related or {}).items():
        if ids:
            about.append(and_(col(AuditEntry.target_type) == target_type,
                              col(AuditEntry.target_id).in_([str(i) for i in ids])))
    if email:
        quoted = {email, json.dumps(email)[1:-1]}  # as written, and as JSON escapes it
        for text in quoted:
            about.append(col(AuditEntry.before).contains(text, autoescape=True))
            about.append(col(AuditEntry.after).contains(text, autoescape=True))
    session.execute(update(AuditEntry).where(or_(*about)).values(before=None, after=note))
    session.execute(update(AuditEntry).where(col(AuditEntry.actor_user_id) == user_id).values(client_ip=""))


def change(session: Session, row: Any, field: str, value: Any, *, actor_user_id: int, action: str,
           target_type: str, target_id: str | int, client_ip: str = "") -> bool:
    """Set `row.field` to `value` with an audit entry of the before and after, in the caller's
    transaction; False (and no entry) when it already had that value."""
    before = getattr(row, field)
    if before == value:
        return False
    setattr(row, field, value)
    session.add(row)
    record(session, actor_user_id=actor_user_id, action=action, target_type=target_type,
           target_id=target_id, before={field: before}, after={field: value}, client_ip=client_ip)
    return True
