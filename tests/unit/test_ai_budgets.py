"""Budgets: the ok / downgrade / deny decision, off-peak windows, admin settings, reservations."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlmodel import select

from tests.factories import add_user
from vigor_app import db
from vigor_app.models import AuditEntry
from vigor_app.services.ai import budgets, counters
from vigor_app.services.ai.budgets import Budget, BudgetSettings
from vigor_app.services.errors import PermissionDenied, ValidationError

NOW = datetime(2026, 11, 18, 12, 0, tzinfo=UTC)  # Wednesday noon UTC


def budget(used: int, limit: int | None, auto: bool = True, reserved: int = 0,
           name: str = budgets.GLOBAL_WEEK) -> Budget:
    return Budget(name, f"spend:{name}", limit, auto, used, reserved)


def test_nothing_set_means_ok():
    decision = budgets.decide([budget(10**9, None)], BudgetSettings(), NOW)
    assert decision == budgets.Decision("ok")


def test_past_the_alert_threshold_downgrades():
    settings = BudgetSettings()
    assert budgets.decide([budget(79, 100)], settings, NOW).kind == "ok"
    assert budgets.decide([budget(70, 100, reserved=10)], settings, NOW) == \
        budgets.Decision("downgrade", budgets.GLOBAL_WEEK)
    assert budgets.decide([budget(50, 100)], BudgetSettings(alert_percent=50), NOW).kind == "downgrade"


def test_a_reached_budget_denies_only_with_auto_disable():
    assert budgets.decide([budget(100, 100)], BudgetSettings(), NOW) == \
        budgets.Decision("deny", budgets.GLOBAL_WEEK)
    assert budgets.decide([budget(150, 100, auto=False)], BudgetSettings(), NOW).kind == "downgrade"
    assert budgets.decide([budget(0, 0)], BudgetSettings(), NOW).kind == "deny"
    mixed = [budget(10, 100), budget(5, 5, name=budgets.USER_MONTH)]
    assert budgets.decide(mixed, BudgetSettings(), NOW) == budgets.Decision("deny", budgets.USER_MONTH)


@pytest.mark.parametrize(("start", "end", "zone", "now", "inside"), [
    (11 * 60, 13 * 60, "UTC", NOW, True),
    (13 * 60, 14 * 60, "UTC", NOW, False),
    (22 * 60, 6 * 60, "UTC", NOW, False),  # over midnight
    (22 * 60, 6 * 60, "UTC", datetime(2026, 11, 18, 23, 0, tzinfo=UTC), True),
    (22 * 60, 6 * 60, "UTC", datetime(2026, 11, 18, 5, 59, tzinfo=UTC), True),
    (22 * 60, 6 * 60, "Asia/Tokyo", NOW, False),  # 21:00 in Tokyo
    (22 * 60, 6 * 60, "Asia/Tokyo", datetime(2026, 11, 18, 13, 30, tzinfo=UTC), True),  # 22:30
    (12 * 60, 12 * 60, "UTC", NOW, False),  # an empty window
    (None, None, "UTC", NOW, False),
])
def test_off_peak_windows_wrap_midnight_in_their_zone(start, end, zone, now, inside):
    settings = BudgetSettings(offpeak_start_minute=start, offpeak_end_minute=end, offpeak_timezone=zone)
    assert budgets.in_offpeak(settings, now) is inside
    expected = budgets.Decision("downgrade", None, offpeak=True) if inside else budgets.Decision("ok")
    assert budgets.decide([], settings, now) == expected


def test_admins_edit_budget_settings_with_an_audit_trail(database):
    admin = add_user("boss", "admin")
    alice = add_user("alice")
    assert budgets.get_budget_settings(admin) == BudgetSettings()
    updated = budgets.update_budget_settings(admin, weekly_limit_micros=50_000_000, alert_percent=90,
                                             offpeak_start_minute=0, offpeak_end_minute=360,
                                             offpeak_timezone="Europe/Berlin")
    assert budgets.get_budget_settings(admin) == updated
    assert updated.weekly_limit_micros == 50_000_000 and updated.alert_percent == 90
    with db.read_only() as session:
        entry = session.exec(select(AuditEntry)).one()
    assert entry.action == "ai.budgets" and '"weekly_limit_micros": 50000000' in entry.after
    with pytest.raises(PermissionDenied):
        budgets.update_budget_settings(alice, weekly_limit_micros=None)
    with pytest.raises(PermissionDenied):
        budgets.get_budget_settings(alice)
    for bad in ({"alert_percent": 0}, {"weekly_limit_micros": -1}, {"offpeak_start_minute": 1440},
                {"offpeak_end_minute": None}, {"offpeak_timezone": "Nowhere/Special"}, {"colour": 1}):
        with pytest.raises(ValidationError):
            budgets.update_budget_settings(admin, **bad)
    assert budgets.get_budget_settings(admin) == updated
    report = budgets.spend_report(admin, NOW)
    assert [(v.name, v.limit_micros, v.spent_micros) for v in report] == [
        ("global_week", 50_000_000, 0), ("global_month", None, 0)]


def test_a_reservation_fits_every_hard_limit_or_takes_nothing(database):
    hard = budget(0, 1000)
    soft = budget(0, 10, auto=False, name=budgets.GLOBAL_MONTH)
    with db.transaction() as session:
        taken = budgets.reserve(session, [hard, soft], 7, daily_cap_micros=600, amount=500, now=NOW)
    keys = taken.keys
    assert taken.refused is None and len(keys) == 3 and taken.amount == 500
    with db.transaction() as session:  # the provider's cap (600) cannot take another 500
        refused = budgets.reserve(session, [hard, soft], 7, 600, 500, NOW)
    assert (refused.keys, refused.refused) == ((), budgets.provider_day_key(7, NOW))
    assert refused.settling  # the 500 in flight would make room once settled
    with db.read_only() as session:
        readings = counters.read(session, [hard.key, soft.key, budgets.provider_day_key(7, NOW)])
    assert {k: r.reserved for k, r in readings.items()} == {k: 500 for k in readings}
    with db.transaction() as session:
        budgets.settle(session, keys, 500, 321, NOW)
    with db.read_only() as session:
        readings = counters.read(session, keys)
    assert all((r.used, r.reserved) == (321, 0) for r in readings.values())
