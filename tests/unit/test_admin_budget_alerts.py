"""Budgets in the console: spend against each budget, the forecast, and the alert once a period."""

import json
import logging
from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import select

from tests.factories import make_admin, make_user
from vigor_app import db
from vigor_app.models import AuditEntry
from vigor_app.services.admin import accounts as admin
from vigor_app.services.admin import budget_alerts
from vigor_app.services.admin.budget_alerts import BudgetSettingsInput
from vigor_app.services.ai import budgets, counters
from vigor_app.services.ai.windows import usage_windows
from vigor_app.services.errors import PermissionDenied, ValidationError
from vigor_app.settings import reload_settings

pytestmark = pytest.mark.usefixtures("database")

# Monday 16 November 2026 00:00 UTC starts ISO week 47; this is 2.5 days into it.
NOW = datetime(2026, 11, 18, 12, 0, tzinfo=UTC)


def _spend(amount: int, *, reserved: int = 0, now: datetime = NOW) -> None:
    keys = budgets.spend_keys(0, now, usage_windows(now, "UTC"))
    wanted = {keys[budgets.GLOBAL_WEEK]: None, keys[budgets.GLOBAL_MONTH]: None}
    with db.transaction() as session:
        if amount:
            counters.take(session, wanted, amount, now)
        if reserved:
            counters.take(session, wanted, reserved, now, column=counters.RESERVED)


def _limits(boss: int, weekly: int | None, monthly: int | None, alert: int = 80) -> None:
    budgets.update_budget_settings(boss, weekly_limit_micros=weekly, monthly_limit_micros=monthly,
                                   alert_percent=alert)


def test_the_overview_shows_spend_reserved_and_a_forecast_at_the_current_rate():
    boss = make_admin().user.id
    _limits(boss, 10_000_000, 30_000_000)
    _spend(2_000_000, reserved=500_000)
    found = {b.name: b for b in budget_alerts.overview(boss, now=NOW).budgets}
    week = found["global_week"]
    assert (week.period, week.spent_micros, week.reserved_micros) == ("2026-W47", 2_000_000, 500_000)
    assert week.percent == 25.0
    # 2.5 of 7 days gone: 2.5 M so far → 7 M by Monday.
    assert week.forecast_micros == 7_000_000
    assert week.forecast_percent == 70.0
    month = found["global_month"]
    # 17.5 of 30 days gone (November): 2.5 M → 2.5 × 30 / 17.5 = 4 285 714.28… → rounded up.
    assert month.forecast_micros == 4_285_715
    assert not week.alerting and not month.alerting


def test_no_budget_means_no_percentage_and_no_alert():
    boss = make_admin().user.id
    _spend(9_000_000)
    found = budget_alerts.overview(boss, now=NOW).budgets
    assert all(b.limit_micros is None and b.percent is None and not b.alerting for b in found)
    assert budget_alerts.crossed(boss, now=NOW) == []


def test_the_first_hour_of_a_period_does_not_forecast_nonsense():
    start = usage_windows(NOW, "UTC").week
    assert budget_alerts.forecast(1_000, start, start.starts_at + timedelta(seconds=1)) == 1_000 * 7 * 24
    assert budget_alerts.forecast(1_000, start, start.ends_at) == 1_000


@pytest.fixture
def smtp(vigor_env):
    vigor_env.setenv("SMTP_HOST", "127.0.0.1")
    reload_settings()
    sent = []
    return sent


def test_crossing_the_threshold_alerts_once_per_period_by_log_and_e_mail(smtp, caplog):
    boss = make_admin().user.id
    make_admin("deputy")
    make_user("alice")
    _limits(boss, 10_000_000, None, alert=80)
    _spend(7_900_000)
    assert budget_alerts.check_and_notify(NOW, send=lambda *a: smtp.append(a)) == []
    _spend(100_000)
    assert [b.name for b in budget_alerts.crossed(boss, now=NOW)] == ["global_week"]
    with caplog.at_level(logging.WARNING, logger="vigor_app.services.admin.budget_alerts"):
        alerted = budget_alerts.check_and_notify(NOW, send=lambda *a: smtp.append(a))
    assert [b.name for b in alerted] == ["global_week"]
    assert [to for to, _, _ in smtp] == ["boss@example.com", "deputy@example.com"]
    subject, body = smtp[0][1], smtp[0][2]
    assert subject == "Vigor: AI spend is at 80% of the weekly budget"
    assert "$8" in body and "$10" in body and "/admin/budgets" in body
    assert "AI budget alert: weekly spend for 2026-W47" in caplog.text

    _spend(1_000_000)  # further spend in the same week: no second alert
    assert budget_alerts.check_and_notify(NOW + timedelta(hours=5), send=lambda *a: smtp.append(a)) == []
    assert len(smtp) == 2

    next_week = NOW + timedelta(days=7)
    _spend(9_000_000, now=next_week)
    assert [b.period for b in budget_alerts.check_and_notify(next_week, send=lambda *a: smtp.append(a))] == \
        ["2026-W48"]
    assert len(smtp) == 4


def test_without_smtp_the_alert_is_a_log_line_only(caplog):
    boss = make_admin().user.id
    _limits(boss, None, 1_000_000, alert=50)
    _spend(600_000)
    sent = []
    with caplog.at_level(logging.WARNING, logger="vigor_app.services.admin.budget_alerts"):
        alerted = budget_alerts.check_and_notify(NOW, send=lambda *a: sent.append(a))
    assert [b.name for b in alerted] == ["global_month"] and sent == []
    assert "AI budget alert: monthly spend for 2026-11" in caplog.text
    assert budget_alerts.check_and_notify(NOW, send=lambda *a: sent.append(a)) == []


def test_the_settings_form_saves_dollars_and_times_and_is_audited():
    boss = make_admin().user.id
    budget_alerts.update_settings(boss, BudgetSettingsInput(
        weekly_limit="50", weekly_auto_disable=True, monthly_limit="150.25", monthly_auto_disable=False,
        user_auto_disable=True, alert_percent="75", offpeak_start="22:00", offpeak_end="06:30",
        offpeak_timezone="Europe/Berlin", offpeak_provider=""))
    settings = budget_alerts.overview(boss, now=NOW).settings
    assert settings.weekly_limit_micros == 50_000_000 and settings.monthly_limit_micros == 150_250_000
    assert settings.weekly_auto_disable and not settings.monthly_auto_disable
    assert (settings.offpeak_start_minute, settings.offpeak_end_minute) == (22 * 60, 6 * 60 + 30)
    assert settings.alert_percent == 75
    entry = admin.audit_log(boss, "ai.budgets")[0]
    assert json.loads(entry.before)["weekly_limit_micros"] is None
    assert json.loads(entry.after)["weekly_limit_micros"] == 50_000_000


@pytest.mark.parametrize(("changes", "field"), [
    ({"weekly_limit": "a lot"}, "weekly_limit_micros"),
    ({"monthly_limit": "-3"}, "monthly_limit_micros"),
    ({"alert_percent": "eighty"}, "alert_percent"),
    ({"alert_percent": "180"}, "alert_percent"),
    ({"offpeak_start": "25:00", "offpeak_end": "06:00"}, "offpeak_start_minute"),
    ({"offpeak_start": "22:00", "offpeak_end": ""}, "offpeak_end_minute"),
    ({"offpeak_start": "22:00", "offpeak_end": "06:00", "offpeak_timezone": "Mars/Olympus"}, "offpeak_timezone"),
])
def test_a_bad_setting_names_its_field_and_changes_nothing(changes, field):
    boss = make_admin().user.id
    form = {"weekly_limit": "", "monthly_limit": "", "alert_percent": "80", "offpeak_start": "", "offpeak_end": "",
            "offpeak_timezone": "UTC", "offpeak_provider": "", **changes}
    with pytest.raises(ValidationError) as caught:
        budget_alerts.update_settings(boss, BudgetSettingsInput(**form))
    assert caught.value.field == field
    assert admin.audit_log(boss, "ai.budgets") == []


def test_the_cheapest_enabled_provider_is_the_off_peak_choice():
    from vigor_app.services.ai import providers

    boss = make_admin().user.id
    for name, price in (("Dear", 9_000_000), ("Cheap", 100_000), ("Off", 1)):
        providers.create_provider(boss, providers.ProviderInput(
            name=name, kind="openai_compatible", model="m", base_url="http://127.0.0.1:9/v1",
            input_price_micros=price, output_price_micros=price, enabled=name != "Off"))
    assert budget_alerts.overview(boss, now=NOW).offpeak_provider == "Cheap"


def test_an_admin_can_prefer_a_provider_off_peak():
    from vigor_app.services.ai import providers

    boss = make_admin().user.id
    made = {name: providers.create_provider(boss, providers.ProviderInput(
        name=name, kind="openai_compatible", model="m", base_url="http://127.0.0.1:9/v1",
        input_price_micros=price, output_price_micros=price)) for name, price in (("Cheap", 1), ("Local", 5))}
    form = {"weekly_limit": "", "monthly_limit": "", "alert_percent": "80", "offpeak_start": "22:00",
            "offpeak_end": "06:00", "offpeak_timezone": "UTC"}
    budget_alerts.update_settings(boss, BudgetSettingsInput(**form, offpeak_provider=str(made["Local"].id)))
    found = budget_alerts.overview(boss, now=NOW)
    assert found.settings.offpeak_provider_id == made["Local"].id
    assert found.offpeak_provider == "Local"
    assert [name for _id, name in found.provider_choices] == ["Cheap", "Local"]
    assert json.loads(admin.audit_log(boss, "ai.budgets")[0].after)["offpeak_provider_id"] == made["Local"].id
    for bad in ("first", "99999"):
        with pytest.raises(ValidationError) as caught:
            budget_alerts.update_settings(boss, BudgetSettingsInput(**form, offpeak_provider=bad))
        assert caught.value.field == "offpeak_provider_id"
    assert budget_alerts.overview(boss, now=NOW).settings.offpeak_provider_id == made["Local"].id
    budget_alerts.update_settings(boss, BudgetSettingsInput(**form, offpeak_provider=""))  # back to the cheapest
    assert budget_alerts.overview(boss, now=NOW).offpeak_provider == "Cheap"


@pytest.mark.parametrize("call", [
    lambda actor: budget_alerts.overview(actor),
    lambda actor: budget_alerts.crossed(actor),
    lambda actor: budget_alerts.update_settings(actor, BudgetSettingsInput(
        weekly_limit="1", monthly_limit="", alert_percent="80", offpeak_start="", offpeak_end="",
        offpeak_timezone="", offpeak_provider="")),
])
def test_a_normal_user_is_refused(call):
    make_admin()
    mallory = make_user("mallory").user.id
    with db.read_only() as session:
        before = len(session.exec(select(AuditEntry)).all())
    with pytest.raises(PermissionDenied):
        call(mallory)
    with db.read_only() as session:
        assert len(session.exec(select(AuditEntry)).all()) == before
        assert budgets.load_settings(session) == budgets.BudgetSettings()


def test_the_scheduler_job_in_every_worker_alerts_once(caplog):
    from vigor_app.services.scheduler import Scheduler

    boss = make_admin().user.id
    _limits(boss, 1_000_000, None, alert=50)
    _spend(600_000)
    workers = [Scheduler(clock=lambda: NOW) for _ in range(3)]  # each worker runs the same job
    with caplog.at_level(logging.WARNING, logger="vigor_app.services.admin.budget_alerts"):
        assert [w.check_budgets() for w in workers] == [1, 0, 0]
    assert caplog.text.count("AI budget alert: weekly spend for 2026-W47") == 1
