import json

import pytest
from sqlmodel import select

from tests.factories import DEFAULT_PASSWORD, make_admin, make_user
from vigor_app import db
from vigor_app.models import AuditEntry, User
from vigor_app.services.accounts import accounts
from vigor_app.services.accounts import sessions as auth_sessions
from vigor_app.services.admin import accounts as admin
from vigor_app.services.admin import users as admin_users
from vigor_app.services.errors import (
    AuthenticationError,
    NotFound,
    PermissionDenied,
    ValidationError,
)

pytestmark = pytest.mark.usefixtures("database")


def _user(user_id: int) -> User:
    with db.read_only() as session:
        return session.get(User, user_id)


def _audit_count() -> int:
    with db.read_only() as session:
        return len(session.exec(select(AuditEntry)).all())


@pytest.mark.parametrize(
    "call",
    [
        lambda actor, target: admin_users.people(actor),
        lambda actor, target: admin.count_users(actor),
        lambda actor, target: admin.audit_log(actor),
        lambda actor, target: admin.set_role(actor, target, "admin"),
        lambda actor, target: admin.set_active(actor, target, False),
    ],
)
def test_a_normal_user_is_refused_every_admin_service_and_changes_nothing(call):
    mallory = make_user("mallory")
    victim = make_user("victim")
    before = _audit_count()
    with pytest.raises(PermissionDenied):
        call(mallory.user.id, victim.user.id)
    assert _user(victim.user.id).role == "user"
    assert _user(victim.user.id).is_active
    assert _user(mallory.user.id).role == "user"
    assert _audit_count() == before


def test_a_normal_user_cannot_promote_themselves():
    mallory = make_user("mallory")
    with pytest.raises(PermissionDenied):
        admin.set_role(mallory.user.id, mallory.user.id, "admin")
    assert _user(mallory.user.id).role == "user"


def test_role_change_is_audited_with_before_and_after():
    boss = make_admin()
    alice = make_user("alice")
    admin.set_role(boss.user.id, alice.user.id, "admin", client_ip="192.0.2.1")
    assert _user(alice.user.id).role == "admin"
    entry = admin.audit_log(boss.user.id, action="user.set_role")[0]
    assert entry.actor == "boss"
    assert json.loads(entry.before) == {"role": "user"}
    assert json.loads(entry.after) == {"role": "admin"}


def test_disabling_ends_sessions_at_once_and_blocks_sign_in():
    boss = make_admin()
    alice = make_user("alice")
    admin.set_active(boss.user.id, alice.user.id, False)
    assert auth_sessions.resolve(alice.token) is None
    with pytest.raises(AuthenticationError, match="disabled"):
        accounts.sign_in("alice", DEFAULT_PASSWORD)
    admin.set_active(boss.user.id, alice.user.id, True)
    assert accounts.sign_in("alice", DEFAULT_PASSWORD).user.id == alice.user.id
    actions = [e.action for e in admin.audit_log(boss.user.id, action="user.set_active")]
    assert actions == ["user.set_active", "user.set_active"]


def test_admin_cannot_demote_or_disable_themselves():
    boss = make_admin()
    with pytest.raises(ValidationError):
        admin.set_active(boss.user.id, boss.user.id, False)
    with pytest.raises(ValidationError):
        admin.set_role(boss.user.id, boss.user.id, "user")
    assert _user(boss.user.id).is_admin


def test_unknown_target_and_role_are_refused():
    boss = make_admin()
    alice = make_user("alice")
    with pytest.raises(NotFound):
        admin.set_role(boss.user.id, 9999, "admin")
    with pytest.raises(ValidationError):
        admin.set_role(boss.user.id, alice.user.id, "superuser")


def test_search_finds_by_email_or_username():
    boss = make_admin()
    make_user("alice")
    make_user("bob")
    assert [u.username for u in admin_users.people(boss.user.id, "ALI")] == ["alice"]
    assert [u.username for u in admin_users.people(boss.user.id, "bob@ex")] == ["bob"]
    assert admin.count_users(boss.user.id) == 3


def test_a_disabled_admin_loses_admin_powers():
    boss = make_admin()
    other = make_admin("other")
    admin.set_active(other.user.id, boss.user.id, False)
    with pytest.raises(PermissionDenied):
        admin_users.people(boss.user.id)
