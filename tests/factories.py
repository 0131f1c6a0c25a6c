"""Small builders for test data, through the real services."""

from __future__ import annotations

from vigor_app.services import accounts

DEFAULT_PASSWORD = "Squat-Rack-2026"


def make_user(name: str = "alice", password: str = DEFAULT_PASSWORD) -> accounts.SignedIn:
    return accounts.register(f"{name}@example.com", name, password)


def make_admin(name: str = "boss", password: str = DEFAULT_PASSWORD) -> accounts.SignedIn:
    accounts.create_admin(f"{name}@example.com", password, name)
    return accounts.sign_in(name, password)
