"""Personal access tokens: shown once and stored hashed, scoped, expiring, revocable, and
ended with the account's password, role or activity."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import select

from tests.factories import make_admin, make_user
from vigor_app import db
from vigor_app.clock import utcnow
from vigor_app.models import ApiToken, AuditEntry, User
from vigor_app.services.accounts import accounts, api_tokens
from vigor_app.services.accounts.tokens import token_hash
from vigor_app.services.errors import NotFound, PermissionDenied, ValidationError


def test_a_token_is_shown_once_and_only_its_hash_is_kept(database):
    user = make_user().user
    made = api_tokens.create(user.id, "  Watch shortcut ", ["write"], 30)
    assert made.token.startswith("vgr_") and len(made.token) > 40
    assert made.view.name == "Watch shortcut" and made.view.scopes == ("read", "write")
    assert made.view.shown == made.token[:10] + "…"
    with db.read_only() as session:
        row = session.exec(select(ApiToken)).one()
        audit = session.exec(select(AuditEntry.action)).all()
    assert row.token_hash == token_hash(made.token) and made.token not in (row.shown, row.name, row.scopes)
    assert row.expires_at is not None and abs(row.expires_at - utcnow() - timedelta(days=30)) < timedelta(minutes=1)
    assert "api_token.create" in audit
    caller = api_tokens.resolve(made.token)
    assert caller is not None and caller.user.id == user.id and caller.scopes == {"read", "write"}


@pytest.mark.parametrize(("name", "scopes", "days", "field"), [
    ("", ["read"], None, "name"),
    ("x" * 61, ["read"], None, "name"),
    ("bad\x07name", ["read"], None, "name"),
    ("ok", [], None, "scopes"),
    ("ok", ["read", "sudo"], None, "scopes"),
    ("ok", "read", None, "scopes"),
    ("ok", ["read"], 3, "expires_in_days"),
    ("ok", ["read"], True, "expires_in_days"),
])
def test_what_a_token_is_made_with_is_checked(database, name, scopes, days, field):
    user = make_user().user
    with pytest.raises(ValidationError) as refused:
        api_tokens.create(user.id, name, scopes, days)
    assert refused.value.field == field
    assert api_tokens.tokens(user.id) == []


def test_only_an_admin_gets_the_admin_scope_and_only_while_an_admin(database):
    member = make_user().user
    with pytest.raises(PermissionDenied):
        api_tokens.create(member.id, "sneaky", ["admin"])
    admin = make_admin().user
    made = api_tokens.create(admin.id, "console", ["admin"])
    assert made.view.scopes == ("read", "admin")
    assert api_tokens.resolve(made.token).scopes == {"read", "admin"}
    with db.transaction() as session:
        row = session.get(User, admin.id)
        row.role = "user"
        session.add(row)
    assert api_tokens.resolve(made.token).scopes == {"read"}


def test_revoked_expired_unknown_and_disabled_tokens_do_not_work(database):
    user = make_user().user
    kept = api_tokens.create(user.id, "kept", ["read"])
    revoked = api_tokens.create(user.id, "revoked", ["read"])
    expiring = api_tokens.create(user.id, "expiring", ["read"], 7)
    api_tokens.revoke(user.id, revoked.view.id)
    assert api_tokens.resolve(revoked.token) is None
    assert api_tokens.resolve(expiring.token, now=utcnow() + timedelta(days=8)) is None
    assert api_tokens.resolve(expiring.token) is not None
    for unknown in ("", "vgr_", "vgr_" + "x" * 43, kept.token + "x", "vgr_" + "y" * 300, kept.token[4:]):
        assert api_tokens.resolve(unknown) is None
    assert [t.name for t in api_tokens.tokens(user.id)] == ["expiring", "kept"]
    assert [t.name for t in api_tokens.tokens(user.id, now=utcnow() + timedelta(days=8))] == ["kept"]
    with db.transaction() as session:
        row = session.get(User, user.id)
        row.is_active = False
        session.add(row)
    assert api_tokens.resolve(kept.token) is None


def test_a_password_change_ends_the_tokens_made_before_it(database):
    signed = make_user()
    made = api_tokens.create(signed.user.id, "old", ["read"], now=utcnow() - timedelta(seconds=5))
    accounts.change_password(signed.user.id, "Squat-Rack-2026", "Deadlift-Day-2027", keep_token=signed.token)
    assert api_tokens.resolve(made.token) is None
    fresh = api_tokens.create(signed.user.id, "new", ["read"])
    assert api_tokens.resolve(fresh.token) is not None


def test_one_cannot_revoke_anothers_token_or_hold_too_many(database):
    alice, bob = make_user("alice").user, make_user("bob").user
    made = api_tokens.create(alice.id, "mine", ["read"])
    for attempt in (made.view.id, 999, "1", True):
        with pytest.raises(NotFound):
            api_tokens.revoke(bob.id, attempt)
    assert api_tokens.resolve(made.token) is not None
    for i in range(api_tokens.MAX_TOKENS - 1):
        api_tokens.create(alice.id, f"t{i}", ["read"])
    with pytest.raises(ValidationError):
        api_tokens.create(alice.id, "one too many", ["read"])
    api_tokens.revoke(alice.id, made.view.id)
    api_tokens.create(alice.id, "room again", ["read"])


def test_a_unit_of_work_commits_every_service_inside_it_or_none(database):
    user = make_user().user
    with pytest.raises(RuntimeError), db.one_unit_of_work():
        api_tokens.create(user.id, "first", ["read"])
        api_tokens.create(user.id, "second", ["read"])
        raise RuntimeError("the last step failed")
    assert api_tokens.tokens(user.id) == []
    with db.one_unit_of_work():
        api_tokens.create(user.id, "first", ["read"])
        assert [t.name for t in api_tokens.tokens(user.id)] == ["first"]  # reads see the unit's writes
    assert [t.name for t in api_tokens.tokens(user.id)] == ["first"]
