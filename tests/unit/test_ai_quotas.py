"""Quotas by tier: limits admins edit, overrides with expiry and reason, atomic reservations."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import select

from tests.factories import add_user
from vigor_app import db
from vigor_app.models import AuditEntry, User
from vigor_app.services.ai import quotas
from vigor_app.services.ai.windows import usage_windows
from vigor_app.services.errors import NotFound, PermissionDenied, ValidationError

NOW = datetime(2026, 11, 18, 12, 0, tzinfo=UTC)


@pytest.fixture
def admin_id(database) -> int:
    return add_user("boss", "admin")


def allowance_of(user_id: int, now: datetime = NOW) -> quotas.Allowance:
    with db.read_only() as session:
        user = session.get(User, user_id)
        return quotas.allowance(session, user_id, user.tier, now)


def test_tiers_have_their_default_limits(admin_id):
    limits = quotas.list_tier_limits(admin_id)
    assert limits == {
        "free": quotas.TierLimits(10, 50, 200, 5_000_000),
        "premium": quotas.TierLimits(50, 300, 1000, 25_000_000),
        "unlimited": quotas.TierLimits(1000, 5000, 20000, 100_000_000),
    }
    assert allowance_of(add_user("alice")).daily == 10
    assert allowance_of(add_user("pat", tier="premium")).weekly == 300
    assert allowance_of(add_user("odd", tier="platinum")).tier == "free"  # unknown: the free tier


def test_admins_edit_tier_limits_and_tiers_with_an_audit_trail(admin_id):
    alice = add_user("alice")
    quotas.set_tier_limits(admin_id, "free", daily=3, weekly=20, monthly=60,
                           monthly_budget_micros=2_000_000)
    quotas.set_user_tier(admin_id, alice, "premium")
    assert quotas.list_tier_limits(admin_id)["free"] == quotas.TierLimits(3, 20, 60, 2_000_000)
    assert allowance_of(alice).tier == "premium"
    with db.read_only() as session:
        actions = [e.action for e in session.exec(select(AuditEntry)).all()]
    assert actions == ["ai.tier_limits", "ai.user_tier"]
    with pytest.raises(ValidationError):
        quotas.set_tier_limits(admin_id, "gold", daily=1, weekly=1, monthly=1, monthly_budget_micros=0)
    with pytest.raises(ValidationError):
        quotas.set_tier_limits(admin_id, "free", daily=-1, weekly=1, monthly=1, monthly_budget_micros=0)
    with pytest.raises(NotFound):
        quotas.set_user_tier(admin_id, 9999, "free")


def test_only_admins_manage_quotas(admin_id):
    alice = add_user("alice")
    for call in (lambda: quotas.list_tier_limits(alice),
                 lambda: quotas.set_tier_limits(alice, "free", daily=999, weekly=999, monthly=999,
                                                monthly_budget_micros=0),
                 lambda: quotas.set_user_tier(alice, alice, "unlimited"),
                 lambda: quotas.grant_override(alice, alice, daily=999, reason="because",
                                               expires_at=NOW + timedelta(days=1), now=NOW),
                 lambda: quotas.list_overrides(alice)):
        with pytest.raises(PermissionDenied):
            call()
    assert allowance_of(alice) == quotas.Allowance("free", 10, 50, 200, 5_000_000)


def test_an_override_applies_until_it_expires_or_is_revoked(admin_id):
    alice = add_user("alice")
    view = quotas.grant_override(admin_id, alice, daily=25, expires_at=NOW + timedelta(days=7),
                                 reason="  Marathon   training block ", now=NOW)
    assert view.active and view.reason == "Marathon training block"
    allowed = allowance_of(alice)
    assert (allowed.daily, allowed.weekly, allowed.override_reason) == (25, 50, "Marathon training block")
    assert allowance_of(alice, NOW + timedelta(days=7)).daily == 10
    quotas.revoke_override(admin_id, view.id, now=NOW)
    assert allowance_of(alice).daily == 10
    assert [o.active for o in quotas.list_overrides(admin_id, alice, now=NOW)] == [False]


@pytest.mark.parametrize(("changes", "field"), [
    ({"daily": None}, "daily"),
    ({"reason": "x"}, "reason"),
    ({"expires_at": NOW - timedelta(seconds=1)}, "expires_at"),
    ({"weekly": -3}, "weekly"),
])
def test_overrides_are_checked(admin_id, changes, field):
    alice = add_user("alice")
    values = {"daily": 20, "reason": "Beta tester", "expires_at": NOW + timedelta(days=1)}
    values.update(changes)
    with pytest.raises(ValidationError) as caught:
        quotas.grant_override(admin_id, alice, now=NOW, **values)
    assert caught.value.field == field


def test_a_reservation_takes_from_every_window_or_from_none(admin_id):
    alice = add_user("alice")
    allowed = quotas.Allowance("free", daily=2, weekly=3, monthly=200, monthly_budget_micros=0)
    windows = usage_windows(NOW)
    taken = []
    for _ in range(2):
        with db.transaction() as session:
            taken.append(quotas.reserve(session, alice, allowed, windows, NOW))
    assert all(isinstance(t, quotas.QuotaTicket) for t in taken)
    with db.transaction() as session:
        refused = quotas.reserve(session, alice, allowed, windows, NOW)
    assert refused == quotas.QuotaRefusal("day", 2, "free")
    tomorrow = usage_windows(NOW + timedelta(days=1))
    with db.transaction() as session:
        assert isinstance(quotas.reserve(session, alice, allowed, tomorrow, NOW), quotas.QuotaTicket)
    with db.transaction() as session:  # the week is full now, and the refused day took nothing
        assert quotas.reserve(session, alice, allowed, tomorrow, NOW) == quotas.QuotaRefusal("week", 3, "free")
    usage = quotas.usage(alice, NOW)
    assert [(w.kind, w.used, w.limit) for w in usage.windows] == [("day", 2, 10), ("week", 3, 50),
                                                                  ("month", 3, 200)]
    with db.transaction() as session:
        quotas.release(session, taken[0], NOW)
    assert quotas.usage(alice, NOW).windows[0].used == 1


def test_concurrent_reservations_from_many_threads_never_exceed_the_limit(admin_id):
    alice = add_user("alice")
    allowed = quotas.Allowance("free", daily=10, weekly=50, monthly=200, monthly_budget_micros=0)
    windows = usage_windows(NOW)

    def reserve(_: int) -> bool:
        with db.transaction() as session:
            return isinstance(quotas.reserve(session, alice, allowed, windows, NOW), quotas.QuotaTicket)

    with ThreadPoolExecutor(max_workers=12) as pool:
        results = list(pool.map(reserve, range(60)))
    assert results.count(True) == 10
    assert [w.used for w in quotas.usage(alice, NOW).windows] == [10, 10, 10]


def test_usage_shows_when_each_window_resets(admin_id):
    alice = add_user("alice")
    usage = quotas.usage(alice, NOW)
    assert usage.tier == "free"
    assert [w.resets_at for w in usage.windows] == [
        datetime(2026, 11, 19, tzinfo=UTC), datetime(2026, 11, 23, tzinfo=UTC),
        datetime(2026, 12, 1, tzinfo=UTC)]
    assert usage.windows[0].remaining == 10
    with pytest.raises(NotFound):
        quotas.usage(9999, NOW)
