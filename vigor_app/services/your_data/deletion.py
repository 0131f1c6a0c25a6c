"""Deleting an account: the person and everything they own, in one transaction.

Rules:

- The person types their username to confirm (case and surrounding spaces ignored) and, when
  the account has a password, gives it; accounts that only sign in through single sign-on
  confirm with the username alone.
- The last active administrator cannot delete their account (the installation would be
  left without one); they promote someone else first.
- Every row that refers to the user is handled, found from the schema itself so tables added
  later are covered too: rows whose reference is ``ON DELETE SET NULL`` (the audit log's
  actor, AI attempts kept for cost accounting, quota grants an admin made) keep existing
  without the person; every other row is deleted (owned data, custom exercises, sessions and
  tokens). Children are deleted before parents, so this does not depend on the database
  enforcing ``ON DELETE CASCADE``.
- Rows of *other* people that point at this person's custom exercises (which nobody else
  may use, see `catalogue_store`, but which a bug or an old version could have left) are
  deleted first, so the custom exercises can always go: the deletion never trips over the
  exercises foreign key.
- The person's AI quota and spend counters and their sign-in attempt records go too; the AI
  attempts kept for cost accounting lose the reservation keys named after them
  (``quota:<id>:…``, ``spend:user:<id>:…``).
- The audit log keeps its entries as events without the person's details
  (`audit.forget_person`: e-mail, username, reasons written about them, their IP address
  become "deleted account #<id>"); user ids are never reused (AUTOINCREMENT on SQLite, a
  sequence on PostgreSQL), so "#<id>" names this account alone.
- An audit entry ``account.delete`` (actor None, target the user id, after: "deleted
  account #<id>") commits with the deletion. Any error changes nothing.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, Table, delete, func, inspect, or_, update
from sqlmodel import Session, SQLModel, col, select

import vigor_app.models  # noqa: F401  (registers every table in SQLModel.metadata)
from vigor_app import db
from vigor_app.clock import utcnow
from vigor_app.models import UpgradeRequest, User
from vigor_app.models.user import ROLE_ADMIN
from vigor_app.services import audit
from vigor_app.services.accounts import passwords, sign_in_throttle
from vigor_app.services.accounts import sessions as auth_sessions
from vigor_app.services.errors import AuthenticationError, NotFound, ValidationError

ACTION = "account.delete"
USERS_TABLE = "users"
EXERCISES_TABLE = "exercises"
# AI counters named after a person (services/ai/quotas.py and budgets.py).
_COUNTER_PREFIXES = ("quota:{id}:", "spend:user:{id}:")


def _references_to_users() -> list[tuple[Table, Column, str | None]]:
    """(table, column, ondelete) for every column that points at users.id, children first."""
    found: list[tuple[Table, Column, str | None]] = []
    for table in reversed(SQLModel.metadata.sorted_tables):
        if table.name == USERS_TABLE:
            continue
        for column in table.columns:
            for key in column.foreign_keys:
                if key.column.table.name == USERS_TABLE:
                    found.append((table, column, (key.ondelete or "").upper() or None))
    return found


def _existing_tables(session: Session) -> set[str]:
    return set(inspect(session.connection()).get_table_names())


def _references_to_exercises() -> list[tuple[Table, Column]]:
    """(table, column) for every column that holds an exercise id (a foreign key to
    exercises.id or a column named ``exercise_id``), children first."""
    found: list[tuple[Table, Column]] = []
    for table in reversed(SQLModel.metadata.sorted_tables):
        if table.name == EXERCISES_TABLE:
            continue
        for column in table.columns:
            if column.name == "exercise_id" or any(
                    key.column.table.name == EXERCISES_TABLE for key in column.foreign_keys):
                found.append((table, column))
    return found


def _remove_others_uses_of_custom_exercises(session: Session, user_id: int, present: set[str]) -> None:
    """Delete rows of anyone that refer to this person's custom exercises (children first)."""
    exercises = SQLModel.metadata.tables[EXERCISES_TABLE]
    custom = select(exercises.c.id).where(exercises.c.owner_user_id == user_id).scalar_subquery()
    for table, column in _references_to_exercises():
        if table.name in present:
            session.execute(delete(table).where(column.in_(custom)))


def _forget_counter_keys(session: Session, user_id: int, present: set[str]) -> None:
    """Drop the keys named after the person from the AI attempts kept for accounting (the
    counters they name are deleted; keys of global budgets stay for settling)."""
    if "ai_attempts" not in present:
        return
    prefixes = tuple(prefix.format(id=user_id) for prefix in _COUNTER_PREFIXES)
    attempts = SQLModel.metadata.tables["ai_attempts"]
    rows = session.execute(select(attempts.c.id, attempts.c.reservation_keys)
                           .where(attempts.c.user_id == user_id)).all()
    for attempt_id, keys in rows:
        kept = [k for k in keys or [] if not str(k).startswith(prefixes)]
        if kept != list(keys or []):
            session.execute(update(attempts).where(attempts.c.id == attempt_id).values(reservation_keys=kept))


def _remove_rows(session: Session, user_id: int) -> None:
    present = _existing_tables(session)
    if EXERCISES_TABLE in present:
        _remove_others_uses_of_custom_exercises(session, user_id, present)
    _forget_counter_keys(session, user_id, present)
    for table, column, ondelete in _references_to_users():
        if table.name not in present:
            continue
        if ondelete == "SET NULL" and column.nullable:
            session.execute(update(table).where(column == user_id).values({column.name: None}))
        else:
            session.execute(delete(table).where(column == user_id))
    if "ai_counters" in present:
        counters = SQLModel.metadata.tables["ai_counters"]
        patterns = [prefix.format(id=user_id) + "%" for prefix in _COUNTER_PREFIXES]
        session.execute(delete(counters).where(or_(*(counters.c.key.like(p) for p in patterns))))


def _check_not_last_admin(session: Session, user: User) -> None:
    if user.role != ROLE_ADMIN or not user.is_active:
        return
    admins = session.exec(
        select(func.count()).select_from(User).where(
            User.role == ROLE_ADMIN, col(User.is_active).is_(True), User.id != user.id)
    ).one()
    if not admins:
        raise ValidationError(
            "You are the only administrator. Make someone else an administrator before you "
            "delete your account.", field="confirm")


def delete_account(
    user_id: int,
    password: str | None,
    *,
    confirm: str,
    client_ip: str = "",
    now: datetime | None = None,
) -> None:
    """Delete the account and everything it owns, after the person confirmed (see module doc)."""
    now = now or utcnow()
    with db.transaction() as session:
        user = session.get(User, user_id)
        if user is None:
            raise NotFound("That account does not exist.")
        if (confirm or "").strip().lower() != user.username_key:
            raise ValidationError(
                "Type your username exactly as shown to confirm that you want your account deleted.",
                field="confirm")
        if user.password_hash:
            if not password:
                raise ValidationError("Enter your password to delete your account.", field="password")
            if not passwords.verify_password(user.password_hash, password):
                raise AuthenticationError("That password is not right.", field="password")
        _check_not_last_admin(session, user)
        email, username_key = user.email, user.username_key
        requests = list(session.exec(select(UpgradeRequest.id).where(UpgradeRequest.user_id == user_id)).all())
        auth_sessions.end_all_sessions(session, user_id, now=now)
        session.flush()
        audit.forget_person(session, user_id, email=email,
                            related={"upgrade_request": [r for r in requests if r is not None]})
        _remove_rows(session, user_id)
        sign_in_throttle.forget_account(session, user_id, email, username_key)
        session.execute(delete(User).where(col(User.id) == user_id))
        audit.record(session, actor_user_id=None, action=ACTION, target_type="user", target_id=user_id,
                     after={"account": audit.deleted_account(user_id)}, client_ip=client_ip, now=now)
