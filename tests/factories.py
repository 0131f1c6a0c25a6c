"""Small builders for test data: accounts through the real services, or a bare user row
where a test needs only someone to charge, limit or audit."""

from __future__ import annotations

from vigor_app import db
from vigor_app.models import FitnessProfile, User
from vigor_app.services.accounts import accounts

DEFAULT_PASSWORD = "Squat-Rack-2026"


def make_user(name: str = "alice", password: str = DEFAULT_PASSWORD) -> accounts.SignedIn:
    return accounts.register(f"{name}@example.com", name, password)


def make_admin(name: str = "boss", password: str = DEFAULT_PASSWORD) -> accounts.SignedIn:
    accounts.create_admin(f"{name}@example.com", password, name)
    return accounts.sign_in(name, password)


def add_user(name: str, role: str = "user", *, tier: str = "free", active: bool = True,
             timezone: str | None = None) -> int:
    """A user row with no password (nobody signs in as it), and a profile when `timezone` is
    given; returns its id."""
    with db.transaction() as session:
        user = User(email=f"{name}@example.com", username=name, username_key=name, role=role,
                    tier=tier, is_active=active)
        session.add(user)
        session.flush()
        if timezone:
            session.add(FitnessProfile(user_id=user.id, timezone=timezone))
        return user.id or 0
