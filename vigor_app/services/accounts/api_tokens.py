"""Personal access tokens for the public API: made, named and revoked by their owner.

A token is shown once, when it is made; only its SHA-256 is stored, with its first characters
so the owner can tell tokens apart. Each carries scopes: "read" (everything a member can see),
"write" (everything a member can change) and "admin" (the admin console's reads and changes,
for admins only, and only while they are one). A token ends when it expires, is revoked, its
owner is disabled, or the owner's password changes (like a sign-in session).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel import col, select, update

from vigor_app import db
from vigor_app.clock import utcnow
from vigor_app.models import ApiToken, User
from vigor_app.services import audit
from vigor_app.services.accounts.sessions import (
    MAX_TOKEN_LENGTH,
    TOUCH_INTERVAL,
    CurrentUser,
    current_user_of,
)
from vigor_app.services.accounts.tokens import new_token, token_hash
from vigor_app.services.errors import NotFound, PermissionDenied, ValidationError
from vigor_app.services.text_rules import plain_text

PREFIX = "vgr_"  # a personal access token, never a session token (those have no prefix)
READ, WRITE, ADMIN = "read", "write", "admin"
SCOPES = (READ, WRITE, ADMIN)
SCOPE_LABELS = {READ: "Read your data", WRITE: "Change your data", ADMIN: "Run the admin console"}
NAME_LIMIT = 60
MAX_TOKENS = 20  # live tokens one person may hold
EXPIRY_DAYS = (7, 30, 90, 365)  # the choices offered; None never expires
SHOWN_LENGTH = len(PREFIX) + 6


@dataclass(frozen=True)
class TokenView:
    id: int
    name: str
    shown: str  # "vgr_Ab12Cd…"
    scopes: tuple[str, ...]
    created_at: datetime
    expires_at: datetime | None
    last_used_at: datetime | None


@dataclass(frozen=True)
class NewToken:
    token: str  # the whole token: shown once, never stored
    view: TokenView


@dataclass(frozen=True)
class ApiCaller:
    """Who is asking over the API, and what they may do."""

    user: CurrentUser
    scopes: frozenset[str]
    token_id: int | None  # None: a sign-in session's token (the app's own pages)


def _view(row: ApiToken) -> TokenView:
    return TokenView(id=row.id or 0, name=row.name, shown=row.shown + "…", scopes=tuple(row.scopes.split()),
                     created_at=row.created_at, expires_at=row.expires_at, last_used_at=row.last_used_at)


def check_scopes(scopes: object, *, is_admin: bool) -> tuple[str, ...]:
    """The scopes asked for, in SCOPES order; "write" and "admin" include "read"."""
    if not isinstance(scopes, list | tuple | set | frozenset) or not all(isinstance(s, str) for s in scopes):
        raise ValidationError("Choose what the token may do.", field="scopes")
    asked = set(scopes)
    unknown = asked - set(SCOPES)
    if unknown:
        raise ValidationError(f"Unknown scope: {sorted(unknown)[0][:20]}.", field="scopes")
    if not asked:
        raise ValidationError("Choose what the token may do.", field="scopes")
    if ADMIN in asked and not is_admin:
        raise PermissionDenied("Only admins can make a token with the admin scope.", field="scopes")
    asked.add(READ)
    return tuple(s for s in SCOPES if s in asked)


def _expiry(days: object, now: datetime) -> datetime | None:
    if days is None:
        return None
    if isinstance(days, bool) or not isinstance(days, int) or days not in EXPIRY_DAYS:
        raise ValidationError("Choose when the token expires: "
                              + ", ".join(f"{d} days" for d in EXPIRY_DAYS) + ", or never.", field="expires_in_days")
    return now + timedelta(days=days)


def create(user_id: int, name: object, scopes: object, expires_in_days: object = None, *,
           now: datetime | None = None) -> NewToken:
    """A new token for `user_id`; the whole token is in the answer and nowhere else."""
    now = now or utcnow()
    name = plain_text(name, label="The token's name", field="name", limit=NAME_LIMIT, multiline=False)
    if not name:
        raise ValidationError("Name the token, so you know later what uses it.", field="name")
    expires_at = _expiry(expires_in_days, now)
    token = PREFIX + new_token()
    with db.transaction() as session:
        user = session.get(User, user_id)
        if user is None or not user.is_active:
            raise NotFound("Account not found.")
        chosen = check_scopes(scopes, is_admin=user.is_admin)
        live = session.exec(select(ApiToken.id).where(ApiToken.user_id == user_id,
                                                      col(ApiToken.revoked_at).is_(None))).all()
        if len(live) >= MAX_TOKENS:
            raise ValidationError(f"You have {MAX_TOKENS} tokens: revoke one you no longer use first.", field="name")
        row = ApiToken(user_id=user_id, name=name, token_hash=token_hash(token), shown=token[:SHOWN_LENGTH],
                       scopes=" ".join(chosen), created_at=now, expires_at=expires_at)
        session.add(row)
        session.flush()
        audit.record(session, actor_user_id=user_id, action="api_token.create", target_type="api_token",
                     target_id=row.id or 0, after={"name": name, "scopes": list(chosen),
                                                    "expires_at": expires_at.isoformat() if expires_at else None},
                     now=now)
        return NewToken(token=token, view=_view(row))


def tokens(user_id: int, *, now: datetime | None = None) -> list[TokenView]:
    """The person's tokens that still work, newest first."""
    now = now or utcnow()
    with db.read_only() as session:
        rows = session.exec(select(ApiToken).where(ApiToken.user_id == user_id, col(ApiToken.revoked_at).is_(None))
                            .order_by(col(ApiToken.id).desc())).all()
    return [_view(r) for r in rows if r.expires_at is None or r.expires_at > now]


def revoke(user_id: int, token_id: object, *, now: datetime | None = None) -> None:
    """End one of the person's tokens at once. Another person's token is "not found"."""
    if isinstance(token_id, bool) or not isinstance(token_id, int):
        raise NotFound("Token not found.")
    now = now or utcnow()
    with db.transaction() as session:
        row = session.get(ApiToken, token_id)
        if row is None or row.user_id != user_id or row.revoked_at is not None:
            raise NotFound("Token not found.")
        row.revoked_at = now
        session.add(row)
        audit.record(session, actor_user_id=user_id, action="api_token.revoke", target_type="api_token",
                     target_id=token_id, before={"name": row.name}, now=now)


def resolve(token: str | None, *, now: datetime | None = None) -> ApiCaller | None:
    """The person and scopes behind a personal access token, or None when it does not work."""
    if not token or not token.startswith(PREFIX) or len(token) > MAX_TOKEN_LENGTH:
        return None
    now = now or utcnow()
    with db.read_only() as session:
        found = session.exec(select(ApiToken, User).join(User, col(User.id) == col(ApiToken.user_id))
                             .where(ApiToken.token_hash == token_hash(token))).first()
    if found is None:
        return None
    row, user = found
    if (row.revoked_at is not None or (row.expires_at is not None and row.expires_at <= now)
            or not user.is_active
            or (user.password_changed_at is not None and user.password_changed_at > row.created_at)):
        return None
    scopes = set(row.scopes.split())
    if not user.is_admin:
        scopes.discard(ADMIN)  # an admin's token loses the admin scope with the role
    if row.last_used_at is None or now - row.last_used_at >= TOUCH_INTERVAL:
        with db.transaction() as session:
            session.exec(update(ApiToken).where(col(ApiToken.id) == row.id).values(last_used_at=now))
    return ApiCaller(user=current_user_of(user), scopes=frozenset(scopes), token_id=row.id)
