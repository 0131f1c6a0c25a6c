"""Administration of accounts. Every function checks the role of the person asking itself."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func
from sqlmodel import Session, col, select

from vigor_app import db
from vigor_app.clock import utcnow
from vigor_app.models import AuditEntry, User
from vigor_app.models.user import ROLES
from vigor_app.services import audit
from vigor_app.services.accounts import sessions as auth_sessions
from vigor_app.services.accounts.roles import admin_fetch, require_admin
from vigor_app.services.errors import ValidationError

PAGE_SIZE = 50


@dataclass(frozen=True)
class AuditRow:
    id: int
    created_at: datetime
    actor: str
    action: str
    target: str
    before: str
    after: str


def count_users(actor_id: int) -> int:
    with db.read_only() as session:
        require_admin(session, actor_id)
        return int(session.exec(select(func.count()).select_from(User)).one())


def _target(session: Session, actor_id: int, user_id: int) -> User:
    user = admin_fetch(session, actor_id, User, user_id, "That account does not exist.")
    if user.id == actor_id:
        raise ValidationError("You cannot change your own role or status here.")
    return user


def set_role(actor_id: int, user_id: int, role: str, *, client_ip: str = "") -> None:
    if role not in ROLES:
        raise ValidationError(f"Unknown role {role!r}.", field="role")
    with db.transaction() as session:
        user = _target(session, actor_id, user_id)
        audit.change(session, user, "role", role, actor_user_id=actor_id, action="user.set_role",
                     target_type="user", target_id=user_id, client_ip=client_ip)


def set_active(actor_id: int, user_id: int, active: bool, *, client_ip: str = "") -> None:
    """Disable or re-enable an account; disabling ends its sessions at once."""
    with db.transaction() as session:
        user = _target(session, actor_id, user_id)
        changed = audit.change(session, user, "is_active", active, actor_user_id=actor_id,
                               action="user.set_active", target_type="user", target_id=user_id,
                               client_ip=client_ip)
        if changed and not active:
            auth_sessions.end_all_sessions(session, user_id, now=utcnow())


SYSTEM_ACTOR = "system"  # the audit filter for entries no person made (start-up, jobs)
AUDIT_LIMIT = 500


def audit_log(actor_id: int, action: str = "", limit: int = 100, *, by: str = "") -> list[AuditRow]:
    """The latest audit entries, newest first; `action` and `by` (a user id, or
    ``"system"``) filter them. Entries are never edited: nothing here writes."""
    with db.read_only() as session:
        require_admin(session, actor_id)
        names = dict(session.exec(select(User.id, User.username)).all())
        query = select(AuditEntry).order_by(col(AuditEntry.created_at).desc(), col(AuditEntry.id).desc())
        if action:
            query = query.where(AuditEntry.action == action)
        if by == SYSTEM_ACTOR:
            query = query.where(col(AuditEntry.actor_user_id).is_(None))
        elif by:
            if not (by.isascii() and by.isdigit() and int(by) < 2**31):
                return []  # no account has that id
            query = query.where(AuditEntry.actor_user_id == int(by))
        rows: list[AuditEntry] = list(session.exec(query.limit(max(1, min(limit, AUDIT_LIMIT)))).all())
        return [
            AuditRow(
                id=e.id or 0, created_at=e.created_at,
                actor=names.get(e.actor_user_id, "deleted account") if e.actor_user_id else SYSTEM_ACTOR,
                action=e.action, target=f"{e.target_type} {e.target_id}".strip(),
                before=e.before or "", after=e.after or "",
            )
            for e in rows
        ]


def audit_filters(actor_id: int) -> tuple[list[str], list[tuple[str, str]]]:
    """What the audit log can be filtered by: the actions in it, and who acted
    (``(user id or "system", name)``)."""
    with db.read_only() as session:
        require_admin(session, actor_id)
        actions = sorted(session.exec(select(AuditEntry.action).distinct()).all())
        actor_ids = set(session.exec(select(AuditEntry.actor_user_id).distinct()).all())
        names = dict(session.exec(select(User.id, User.username)
                                  .where(col(User.id).in_([i for i in actor_ids if i is not None]))).all())
    actors = sorted(((str(i), names[i]) for i in actor_ids if i in names), key=lambda a: a[1].lower())
    if None in actor_ids:
        actors.append((SYSTEM_ACTOR, SYSTEM_ACTOR))
    return actions, actors
