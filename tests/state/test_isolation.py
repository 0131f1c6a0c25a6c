"""One person's session never reads or changes another person's rows; admin handlers need an admin."""

import pytest
from sqlmodel import select

from tests.factories import DEFAULT_PASSWORD, make_admin, make_user
from vigor_app import db
from vigor_app.models import AuditEntry, User
from vigor_app.services.accounts import accounts
from vigor_app.services.accounts import sessions as auth_sessions
from vigor_app.services.admin import accounts as admin
from vigor_app.state.admin import AdminState
from vigor_app.state.profile import AccountState


def _user(user_id: int) -> User:
    with db.read_only() as session:
        return session.get(User, user_id)


def _audit_actions() -> list[str]:
    with db.read_only() as session:
        return [e.action for e in session.exec(select(AuditEntry)).all()]


def test_change_password_only_ever_touches_the_signed_in_user(browser):
    alice = make_user("alice")
    bob = make_user("bob")
    tab = browser()
    tab.state(AccountState).session_token = alice.token
    # The form carries no user id: whatever the browser sends, the server acts for the token's owner.
    state, _ = tab.call(AccountState, "change_password", {
        "current_password": DEFAULT_PASSWORD, "new_password": "Brand-New-Pass-1",
        "confirm_password": "Brand-New-Pass-1", "user_id": str(bob.user.id),
    }, path="/profile")
    assert state.form_error == "" and state.password_error == ""
    assert accounts.sign_in("alice", "Brand-New-Pass-1").user.id == alice.user.id
    assert accounts.sign_in("bob", DEFAULT_PASSWORD).user.id == bob.user.id
    assert auth_sessions.resolve(bob.token) is not None


def test_the_profile_shows_the_token_owner_only(browser):
    alice = make_user("alice")
    make_user("bob")
    tab = browser()
    tab.state(AccountState).session_token = alice.token
    state, _ = tab.call(AccountState, "require_login", path="/profile")
    assert (state.username, state.email) == ("alice", "alice@example.com")


def test_signed_out_browser_cannot_change_a_password(browser):
    make_user("alice")
    tab = browser()
    state, result = tab.call(AccountState, "change_password", {
        "current_password": DEFAULT_PASSWORD, "new_password": "Hijacked-Pass-1",
        "confirm_password": "Hijacked-Pass-1",
    }, path="/profile")
    assert result is not None
    assert accounts.sign_in("alice", DEFAULT_PASSWORD)


@pytest.mark.parametrize(
    ("handler", "args"),
    [("load", ()), ("set_search", ("a",)), ("set_role", (None, "admin")), ("set_active", (None, False))],
)
def test_a_normal_user_cannot_run_admin_handlers(browser, handler, args):
    make_admin()
    mallory = make_user("mallory")
    victim = make_user("victim")
    args = tuple(str(victim.user.id) if a is None else a for a in args)
    before = _audit_actions()
    tab = browser()
    tab.state(AdminState).session_token = mallory.token
    state, _ = tab.call(AdminState, handler, *args, path="/admin")
    assert state.users == [] and state.audit_rows == []
    assert not state.is_admin
    assert _user(victim.user.id).role == "user" and _user(victim.user.id).is_active
    assert _user(mallory.user.id).role == "user"
    assert _audit_actions() == before


def test_an_admin_runs_admin_handlers_and_each_change_is_audited(browser):
    boss = make_admin()
    victim = make_user("victim")
    tab = browser()
    tab.state(AdminState).session_token = boss.token
    state, _ = tab.call(AdminState, "load", path="/admin")
    assert {u["username"] for u in state.users} == {"boss", "victim"}
    tab.call(AdminState, "set_active", str(victim.user.id), False, path="/admin")
    assert not _user(victim.user.id).is_active
    assert auth_sessions.resolve(victim.token) is None
    assert "user.set_active" in _audit_actions()
    state, _ = tab.call(AdminState, "set_role", "not-a-number", "admin", path="/admin")
    assert _user(victim.user.id).role == "user"


def test_an_admin_demoted_mid_session_loses_admin_handlers_at_once(browser):
    boss = make_admin()
    other = make_admin("other")
    victim = make_user("victim")
    tab = browser()
    tab.state(AdminState).session_token = boss.token
    tab.call(AdminState, "load", path="/admin")
    admin.set_role(other.user.id, boss.user.id, "user")
    tab.call(AdminState, "set_active", str(victim.user.id), False, path="/admin")
    assert _user(victim.user.id).is_active
