"""Roles: who may do what. Every admin service asks `require_admin` itself."""

from __future__ import annotations

from typing import TypeVar

from sqlmodel import Session, SQLModel

from vigor_app.models import User
from vigor_app.models.user import ROLE_ADMIN
from vigor_app.services.errors import NotFound, PermissionDenied

Row = TypeVar("Row", bound=SQLModel)


def require_admin(session: Session, actor_id: int) -> User:
    """The acting user, if they are an active administrator; PermissionDenied otherwise."""
    actor = session.get(User, actor_id)
    if actor is None or not actor.is_active or actor.role != ROLE_ADMIN:
        raise PermissionDenied("Only administrators can do this.")
    return actor


def admin_fetch(session: Session, actor_id: int, model: type[Row], row_id: int, missing: str) -> Row:
    """The `model` row `row_id` an admin is about to change: PermissionDenied for anyone who is
    not an active admin, NotFound (saying `missing`) when there is no such row."""
    require_admin(session, actor_id)
    row = session.get(model, row_id)
    if row is None:
        raise NotFound(missing)
    return row
