"""People, their sign-in sessions and the tokens that let them back in."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, ForeignKey, Integer, UniqueConstraint
from sqlmodel import Field, SQLModel

from vigor_app.clock import utcnow
from vigor_app.models.ids import NEVER_REUSED

ROLE_USER = "user"
ROLE_ADMIN = "admin"
ROLES = (ROLE_USER, ROLE_ADMIN)


def _owner_fk(**kwargs) -> Column:
    return Column(Integer, ForeignKey("users.id", ondelete="CASCADE"), nullable=False, **kwargs)


class User(SQLModel, table=True):
    __tablename__ = "users"
    __table_args__ = NEVER_REUSED  # audit entries name people by id

    id: int | None = Field(default=None, primary_key=True)
    email: str = Field(max_length=254, unique=True, index=True)  # stored lower-case
    username: str = Field(max_length=30)
    username_key: str = Field(max_length=30, unique=True, index=True)  # lower-case, for uniqueness
    password_hash: str | None = Field(default=None, max_length=255)  # None: single sign-on only
    role: str = Field(default=ROLE_USER, max_length=16)
    tier: str = Field(default="free", max_length=16, sa_column_kwargs={"server_default": "free"})
    is_active: bool = Field(default=True)
    created_at: datetime = Field(default_factory=utcnow)
    last_seen_at: datetime | None = Field(default=None)
    password_changed_at: datetime | None = Field(default=None)

    @property
    def is_admin(self) -> bool:
        return self.role == ROLE_ADMIN


class AuthSession(SQLModel, table=True):
    """A signed-in browser. Only the SHA-256 of its token is stored."""

    __tablename__ = "auth_sessions"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(sa_column=_owner_fk(index=True))
    token_hash: str = Field(max_length=64, unique=True, index=True)
    created_at: datetime = Field(default_factory=utcnow)
    expires_at: datetime
    last_used_at: datetime = Field(default_factory=utcnow)
    revoked_at: datetime | None = Field(default=None)
    client_ip: str = Field(default="", max_length=64)


class PasswordResetToken(SQLModel, table=True):
    """A single-use, expiring link to choose a new password."""

    __tablename__ = "password_reset_tokens"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(sa_column=_owner_fk(index=True))
    token_hash: str = Field(max_length=64, unique=True, index=True)
    created_at: datetime = Field(default_factory=utcnow)
    expires_at: datetime
    used_at: datetime | None = Field(default=None)


class LoginAttempt(SQLModel, table=True):
    """One sign-in attempt, kept for throttling (per account and per client address).

    An attempt is recorded before its password is checked, as pending (`checked_at` empty),
    and counts as a failure until the check marks it `succeeded`.
    """

    __tablename__ = "login_attempts"

    id: int | None = Field(default=None, primary_key=True)
    account_key: str = Field(max_length=254, index=True)
    client_ip: str = Field(default="", max_length=64, index=True)
    succeeded: bool = Field(default=False)
    created_at: datetime = Field(default_factory=utcnow, index=True)
    checked_at: datetime | None = Field(default=None)  # None: the password check has not ended


class SignInCounter(SQLModel, table=True):
    """One row per account and per client address: the row a sign-in attempt updates first.

    Updating it takes the row's lock (PostgreSQL) or the database's write lock (SQLite) until
    the attempt's transaction ends, so attempts for one account or address are counted one
    after the other, never side by side.
    """

    __tablename__ = "sign_in_counters"

    key: str = Field(primary_key=True, max_length=300)  # "account:<account key>" or "address:<ip>"
    updated_at: datetime = Field(default_factory=utcnow, index=True)  # the latest attempt (pruning)


class OidcIdentity(SQLModel, table=True):
    """A person's account at an OpenID Connect provider, linked to their Vigor user."""

    __tablename__ = "oidc_identities"
    __table_args__ = (UniqueConstraint("issuer", "subject", name="uq_oidc_identity"),)

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(sa_column=_owner_fk(index=True))
    issuer: str = Field(max_length=255)
    subject: str = Field(max_length=255)
    email: str | None = Field(default=None, max_length=254)
    created_at: datetime = Field(default_factory=utcnow)


class OidcLoginFlow(SQLModel, table=True):
    """A sign-in started at an OpenID Connect provider and not finished yet."""

    __tablename__ = "oidc_login_flows"

    id: int | None = Field(default=None, primary_key=True)
    state: str = Field(max_length=128, unique=True, index=True)
    nonce: str = Field(max_length=128)
    code_verifier: str = Field(max_length=128)
    authorization_url: str = Field(max_length=2000)
    return_to: str = Field(default="/dashboard", max_length=500)
    # SHA-256 of the key the starting browser keeps in a cookie: only that browser may finish.
    browser_hash: str | None = Field(default=None, max_length=64)
    created_at: datetime = Field(default_factory=utcnow)
    expires_at: datetime


class LoginTicket(SQLModel, table=True):
    """A one-time, short-lived code that turns a finished single sign-on into a session.

    The browser carries it from the OIDC callback to the app page, which exchanges it
    for a session token; the session token itself never travels in a URL. Only the browser
    that started the sign-in can exchange it (`browser_hash`).
    """

    __tablename__ = "login_tickets"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(sa_column=_owner_fk(index=True))
    ticket_hash: str = Field(max_length=64, unique=True, index=True)
    return_to: str = Field(default="/dashboard", max_length=500)
    # The flow's browser_hash: only the browser that started the sign-in redeems the ticket.
    browser_hash: str | None = Field(default=None, max_length=64)
    created_at: datetime = Field(default_factory=utcnow)
    expires_at: datetime
    used_at: datetime | None = Field(default=None)
