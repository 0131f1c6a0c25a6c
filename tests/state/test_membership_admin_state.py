"""Answering upgrade requests: admins only, audited, the tier changes at once."""

from sqlmodel import select

from tests.factories import make_admin, make_user
from vigor_app import db
from vigor_app.models import AuditEntry, User
from vigor_app.services.admin import membership
from vigor_app.state.membership_admin import UpgradeRequestsState


def _tier(user_id: int) -> str:
    with db.read_only() as session:
        return session.get(User, user_id).tier


def test_an_admin_approves_and_declines(browser):
    boss = make_admin()
    alice, bob = make_user("alice"), make_user("bob")
    first = membership.request_upgrade(alice.user.id, "premium")
    second = membership.request_upgrade(bob.user.id, "unlimited")
    tab = browser()
    tab.state(UpgradeRequestsState).session_token = boss.token
    state, _ = tab.call(UpgradeRequestsState, "load", path="/admin/upgrades")
    assert [r["username"] for r in state.pending] == ["alice", "bob"]
    tab.call(UpgradeRequestsState, "approve", str(first.id), path="/admin/upgrades")
    assert _tier(alice.user.id) == "premium"
    state, _ = tab.call(UpgradeRequestsState, "decline", str(second.id), path="/admin/upgrades")
    assert state.error  # a reason is needed to decline
    tab.call(UpgradeRequestsState, "set_reason", str(second.id), "Premium first, please.", path="/admin/upgrades")
    state, _ = tab.call(UpgradeRequestsState, "decline", str(second.id), path="/admin/upgrades")
    assert state.pending == [] and _tier(bob.user.id) == "free"
    with db.read_only() as session:
        actions = {e.action for e in session.exec(select(AuditEntry)).all()}
    assert {"membership.approved", "membership.declined"} <= actions


def test_a_normal_user_cannot_answer_requests(browser):
    alice, mallory = make_user("alice"), make_user("mallory")
    request = membership.request_upgrade(alice.user.id, "premium")
    tab = browser()
    tab.state(UpgradeRequestsState).session_token = mallory.token
    state, _ = tab.call(UpgradeRequestsState, "load", path="/admin/upgrades")
    assert state.pending == []
    state, _ = tab.call(UpgradeRequestsState, "approve", str(request.id), path="/admin/upgrades")
    assert state.error == "Only administrators can do this."
    assert _tier(alice.user.id) == "free"
    assert membership.overview(alice.user.id).requests[0].status == "pending"
