"""People in the console: usage against limits, tiers, temporary limits, the workout log."""

import json
from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import select

from tests.factories import make_admin, make_user
from vigor_app import db
from vigor_app.models import AuditEntry, FitnessProfile, User
from vigor_app.services.admin import users as admin_users
from vigor_app.services.admin.users import OverrideInput, TierLimitsInput
from vigor_app.services.ai import budgets, counters, quotas
from vigor_app.services.ai.windows import usage_windows
from vigor_app.services.errors import NotFound, PermissionDenied, ValidationError

pytestmark = pytest.mark.usefixtures("database")

NOW = datetime(2026, 11, 22, 15, 30, tzinfo=UTC)


def _audit(action: str) -> list[AuditEntry]:
    with db.read_only() as session:
        return list(session.exec(select(AuditEntry).where(AuditEntry.action == action)
                                 .order_by(AuditEntry.id)).all())


def _use(user_id: int, requests: int, spend: int, timezone: str = "UTC", now: datetime = NOW) -> None:
    windows = usage_windows(now, timezone)
    with db.transaction() as session:
        counters.take(session, {quotas.quota_key(user_id, w): None for w in windows}, requests, now)
        counters.take(session, {budgets.spend_keys(user_id, now, windows)[budgets.USER_MONTH]: None}, spend, now)


def _set_timezone(user_id: int, timezone: str) -> None:
    with db.transaction() as session:
        session.add(FitnessProfile(user_id=user_id, timezone=timezone))


def test_people_show_usage_against_their_limits_and_this_months_spend():
    boss = make_admin().user.id
    alice = make_user("alice").user.id
    bob = make_user("bob").user.id
    _use(alice, 3, 12_345)
    quotas.set_user_tier(boss, bob, "premium")
    rows = {p.username: p for p in admin_users.people(boss, now=NOW)}
    assert set(rows) == {"boss", "alice", "bob"}
    a = rows["alice"]
    assert a.tier == "free" and a.is_active and a.role == "user"
    assert [(u.kind, u.used, u.limit) for u in a.usage] == [("day", 3, 10), ("week", 3, 50), ("month", 3, 200)]
    assert a.spend_month_micros == 12_345 and a.budget_month_micros == 5_000_000
    assert [(u.kind, u.limit) for u in rows["bob"].usage] == [("day", 50), ("week", 300), ("month", 1000)]
    assert a.created_at.tzinfo is not None


def test_windows_follow_the_persons_time_zone():
    boss = make_admin().user.id
    alice = make_user("alice").user.id
    _set_timezone(alice, "Pacific/Kiritimati")  # UTC+14
    late = datetime(2026, 11, 22, 9, 0, tzinfo=UTC)  # 23:00 on the 22nd there
    _use(alice, 2, 0, "Pacific/Kiritimati", now=late)
    assert admin_users.person(boss, alice, now=late).usage[0].used == 2
    # Two hours later it is still the 22nd in UTC, but a new day for her.
    assert admin_users.person(boss, alice, now=late + timedelta(hours=2)).usage[0].used == 0


def test_search_by_email_or_username():
    boss = make_admin().user.id
    make_user("alice")
    make_user("bob")
    assert [p.username for p in admin_users.people(boss, "ALI", now=NOW)] == ["alice"]
    assert [p.username for p in admin_users.people(boss, "bob@example", now=NOW)] == ["bob"]
    assert admin_users.people(boss, "nobody", now=NOW) == []


def test_a_temporary_override_shows_in_the_limits_until_the_end_of_its_last_day():
    boss = make_admin().user.id
    alice = make_user("alice").user.id
    _set_timezone(alice, "Europe/Berlin")
    view = admin_users.grant_override(boss, alice, OverrideInput(daily="40", weekly="", monthly="500",
                                                                expires_at="2026-11-30", reason="Marathon block"),
                                      now=NOW)
    assert view.expires_at == datetime(2026, 11, 30, 22, 59, 59, tzinfo=UTC)  # 23:59:59 in Berlin
    row = admin_users.person(boss, alice, now=NOW)
    assert [u.limit for u in row.usage] == [40, 50, 500]
    assert row.override_reason == "Marathon block"
    entry = _audit("ai.quota_override")[-1]
    assert json.loads(entry.after) == {"daily": 40, "weekly": None, "monthly": 500,
                                       "expires_at": view.expires_at.isoformat(), "reason": "Marathon block"}
    quotas.revoke_override(boss, view.id)
    assert [u.limit for u in admin_users.person(boss, alice).usage] == [10, 50, 200]
    assert json.loads(_audit("ai.quota_override_revoked")[-1].before)["reason"] == "Marathon block"


@pytest.mark.parametrize(("form", "field"), [
    ({"daily": "many", "expires_at": "2026-12-01", "reason": "why not"}, "daily"),
    ({"daily": "-4", "expires_at": "2026-12-01", "reason": "why not"}, "daily"),
    ({"daily": "20", "expires_at": "", "reason": "why not"}, "expires_at"),
    ({"daily": "20", "expires_at": "2026-11-01", "reason": "why not"}, "expires_at"),
    ({"daily": "20", "expires_at": "2028-11-01", "reason": "why not"}, "expires_at"),
    ({"daily": "20", "expires_at": "2026-12-01", "reason": ""}, "reason"),
    ({"expires_at": "2026-12-01", "reason": "why not"}, "daily"),
])
def test_a_bad_override_names_its_field_and_changes_nothing(form, field):
    boss = make_admin().user.id
    alice = make_user("alice").user.id
    with pytest.raises(ValidationError) as caught:
        admin_users.grant_override(boss, alice, OverrideInput(**form), now=NOW)
    assert caught.value.field == field
    assert quotas.list_overrides(boss, alice) == []
    assert _audit("ai.quota_override") == []


def test_tier_limits_from_the_form_apply_at_once_and_are_audited():
    boss = make_admin().user.id
    alice = make_user("alice").user.id
    admin_users.set_tier_limits(boss, "free", TierLimitsInput(daily="3", weekly="20", monthly="60",
                                                               monthly_budget="2.50"))
    assert [u.limit for u in admin_users.person(boss, alice).usage] == [3, 20, 60]
    assert admin_users.person(boss, alice).budget_month_micros == 2_500_000
    entry = _audit("ai.tier_limits")[-1]
    assert json.loads(entry.before) == {"daily": 10, "weekly": 50, "monthly": 200,
                                        "monthly_budget_micros": 5_000_000}
    assert json.loads(entry.after) == {"daily": 3, "weekly": 20, "monthly": 60, "monthly_budget_micros": 2_500_000}


@pytest.mark.parametrize(("form", "field"), [
    ({"daily": "", "weekly": "1", "monthly": "1", "monthly_budget": "1"}, "daily"),
    ({"daily": "1", "weekly": "x", "monthly": "1", "monthly_budget": "1"}, "weekly"),
    ({"daily": "1", "weekly": "1", "monthly": "1", "monthly_budget": "lots"}, "monthly_budget"),
    ({"daily": "1", "weekly": "1", "monthly": "1", "monthly_budget": "-1"}, "monthly_budget"),
])
def test_bad_tier_limits_name_the_field(form, field):
    boss = make_admin().user.id
    with pytest.raises(ValidationError) as caught:
        admin_users.set_tier_limits(boss, "free", TierLimitsInput(**form))
    assert caught.value.field == field
    assert _audit("ai.tier_limits") == []


def test_the_workout_log_download_is_the_persons_csv_and_is_audited():
    boss = make_admin().user.id
    alice = make_user("alice").user.id
    name, data = admin_users.export_workouts_csv(boss, alice)
    assert name == "vigor-sets-alice.csv"
    assert data.splitlines()[0].startswith("date") or "," in data.splitlines()[0]
    entry = _audit("user.export_downloaded")[-1]
    assert entry.target_id == str(alice) and entry.actor_user_id == boss
    with pytest.raises(NotFound):
        admin_users.export_workouts_csv(boss, 999)


@pytest.mark.parametrize("call", [
    lambda actor, target: admin_users.people(actor),
    lambda actor, target: admin_users.person(actor, target),
    lambda actor, target: admin_users.grant_override(actor, target, OverrideInput(daily="99", expires_at="2099-01-01",
                                                                                reason="I deserve it")),
    lambda actor, target: admin_users.set_tier_limits(actor, "free", TierLimitsInput(
        daily="999", weekly="999", monthly="999", monthly_budget="99")),
    lambda actor, target: admin_users.export_workouts_csv(actor, target),
])
def test_a_normal_user_is_refused_every_people_service(call):
    make_admin()
    mallory = make_user("mallory").user.id
    victim = make_user("victim").user.id
    with db.read_only() as session:
        entries = len(session.exec(select(AuditEntry)).all())
    with pytest.raises(PermissionDenied):
        call(mallory, victim)
    with db.read_only() as session:
        assert len(session.exec(select(AuditEntry)).all()) == entries
        assert session.get(User, victim).tier == "free"
        assert quotas.tier_limits(session, "free").daily == 10
    assert quotas.list_overrides(make_admin("other").user.id, victim) == []
