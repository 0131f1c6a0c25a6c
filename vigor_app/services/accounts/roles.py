"""Roles: who may do what. Every admin service asks `require_admin` itself."""

from __future__ import annotations

from sqlmodel import Session

from vigor_app.models import User
from vigor_app.models.user import ROLE_ADMIN
from vigor_app.services.errors import PermissionDenied


def require_admin(session: Session, actor_id: int) -> User:
    """The acting user, if they are an active administrator; PermissionDenied otherwise."""
    actor = session.get(User, actor_id)
    if actor is None or not actor.is_active or actor.role != ROLE_ADMIN:
        raise PermissionDenied("Only administrators can do this.")
    return actor
