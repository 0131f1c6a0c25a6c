"""Sign-in sessions: created at sign-in, checked on every request, revoked at sign-out.

Only the SHA-256 of a session token is stored, so a copy of the database cannot be used
to sign in. A session ends when it expires, is revoked, its user is disabled, or the
password changes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel import Session, col, select, update

from vigor_app import db
from vigor_app.clock import utcnow
from vigor_app.models import AuthSession, User
from vigor_app.services.accounts.tokens import new_token, token_hash
from vigor_app.settings import get_settings

# Touch last_used_at at most this often, so reads do not turn into writes on every event.
TOUCH_INTERVAL = timedelta(minutes=5)
MAX_TOKEN_LENGTH = 200


@dataclass(frozen=True)
class CurrentUser:
    """Who is asking: what handlers need to know about the signed-in person."""

    id: int
    email: str
    username: str
    role: str

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"


def current_user_of(user: User) -> CurrentUser:
    assert user.id is not None
    return CurrentUser(id=user.id, email=user.email, username=user.username, role=user.role)


def start_session(
    session: Session, user_id: int, *, client_ip: str = "", now: datetime | None = None
) -> str:
    """Create a session for `user_id` inside the caller's transaction; returns the token."""
    now = now or utcnow()
    token = new_token()
    session.add(
        AuthSession(
            user_id=user_id,
            token_hash=token_hash(token),
            created_at=now,
            last_used_at=now,
            expires_at=now + timedelta(hours=get_settings().session_ttl_hours),
            client_ip=client_ip[:64],
        )
    )
    return token


def resolve(token: str | None, *, now: datetime | None = None) -> CurrentUser | None:
    """The user a session token belongs to, or None when it is not a live session."""
    if not token or len(token) > MAX_TOKEN_LENGTH:
        return None
    now = now or utcnow()
    with db.read_only() as session:  # every event asks: a read, and a write only now and then
        row = session.exec(
            select(AuthSession, User)
            .join(User, col(User.id) == col(AuthSession.user_id))
            .where(AuthSession.token_hash == token_hash(token))
        ).first()
    if row is None:
        return None
    auth, user = row
    if auth.revoked_at is not None or auth.expires_at <= now or not user.is_active:
        return None
    if now - auth.last_used_at >= TOUCH_INTERVAL:
        with db.transaction() as session:
            session.exec(update(AuthSession).where(col(AuthSession.id) == auth.id).values(last_used_at=now))
            session.exec(update(User).where(col(User.id) == user.id).values(last_seen_at=now))
    return current_user_of(user)


def end_session(token: str | None, *, now: datetime | None = None) -> None:
    """Revoke one session (sign out). Unknown tokens are ignored."""
    if not token or len(token) > MAX_TOKEN_LENGTH:
        return
    with db.transaction() as session:
        auth = session.exec(
            select(AuthSession).where(AuthSession.token_hash == token_hash(token))
        ).first()
        if auth is not None and auth.revoked_at is None:
            auth.revoked_at = now or utcnow()
            session.add(auth)


def end_all_sessions(
    session: Session, user_id: int, *, keep_token: str | None = None, now: datetime | None = None
) -> int:
    """Revoke every live session of a user (inside the caller's transaction)."""
    now = now or utcnow()
    keep = token_hash(keep_token) if keep_token else None
    rows = session.exec(
        select(AuthSession).where(AuthSession.user_id == user_id, col(AuthSession.revoked_at).is_(None))
    ).all()
    count = 0
    for auth in rows:
        if auth.token_hash == keep:
            continue
        auth.revoked_at = now
        session.add(auth)
        count += 1
    return count
