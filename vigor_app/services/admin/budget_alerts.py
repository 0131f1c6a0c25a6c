"""The global AI budgets as admins see them, with a forecast, and the alert when spend
crosses the alert threshold.

- ``overview`` gives each global budget (this UTC ISO week, this UTC month): its limit,
  what is spent and reserved, the percentage, and the forecast to the end of the period at
  the current rate (spend so far ÷ time elapsed × length of the period; the time elapsed
  counts as at least an hour, so the first minutes of a period do not forecast nonsense).
- ``crossed`` lists the budgets at or past the alert threshold right now: the console shows
  them as a banner to admins.
- ``check_and_notify`` is the alert itself: for each budget past the threshold it writes a
  log line and e-mails every active admin when SMTP is configured, **once per period**. The
  "sent" mark is an ``ai_counters`` row (``alert:<budget>:<period>``) claimed by the same
  atomic conditional update the budgets use, so several workers (or the scheduler and a
  console page at once) cannot send it twice. Safe to call any time, from anywhere.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlmodel import Session, col, select

from vigor_app import db
from vigor_app.clock import utcnow
from vigor_app.models import AiProvider, User
from vigor_app.models.user import ROLE_ADMIN
from vigor_app.services.accounts import mailer
from vigor_app.services.accounts.roles import require_admin
from vigor_app.services.ai import budgets, counters, pricing
from vigor_app.services.ai.windows import Window, usage_windows
from vigor_app.services.errors import ValidationError
from vigor_app.settings import get_settings

log = logging.getLogger(__name__)

MIN_ELAPSED = timedelta(hours=1)
LABELS = {budgets.GLOBAL_WEEK: "weekly", budgets.GLOBAL_MONTH: "monthly"}


@dataclass(frozen=True)
class BudgetStatus:
    name: str  # global_week | global_month
    label: str  # weekly | monthly
    period: str  # the window's key: 2026-W47, 2026-11
    starts_at: datetime
    ends_at: datetime
    limit_micros: int | None  # None: no budget set
    auto_disable: bool
    spent_micros: int  # settled
    reserved_micros: int  # calls in flight
    forecast_micros: int  # at the current rate, by the end of the period
    alert_percent: int

    @property
    def committed_micros(self) -> int:
        return self.spent_micros + self.reserved_micros

    @property
    def percent(self) -> float | None:
        return budgets.percent_of_limit(self.committed_micros, self.limit_micros)

    @property
    def forecast_percent(self) -> float | None:
        return budgets.percent_of_limit(self.forecast_micros, self.limit_micros)

    @property
    def alerting(self) -> bool:
        percent = self.percent
        return percent is not None and percent >= self.alert_percent


def forecast(committed: int, window: Window, now: datetime) -> int:
    """Spend by the end of `window` if it goes on at the rate so far (rounded up)."""
    length = (window.ends_at - window.starts_at).total_seconds()
    elapsed = max((now - window.starts_at).total_seconds(), MIN_ELAPSED.total_seconds())
    if elapsed >= length:
        return committed
    return -(-int(committed * length) // int(elapsed))


def _statuses(session: Session, now: datetime) -> tuple[budgets.BudgetSettings, list[BudgetStatus]]:
    settings = budgets.load_settings(session)
    utc = usage_windows(now, "UTC")
    keys = budgets.spend_keys(0, now, utc)
    readings = counters.read(session, [keys[budgets.GLOBAL_WEEK], keys[budgets.GLOBAL_MONTH]])
    found = []
    for name, window, limit, auto in (
            (budgets.GLOBAL_WEEK, utc.week, settings.weekly_limit_micros, settings.weekly_auto_disable),
            (budgets.GLOBAL_MONTH, utc.month, settings.monthly_limit_micros, settings.monthly_auto_disable)):
        reading = readings[keys[name]]
        found.append(BudgetStatus(
            name=name, label=LABELS[name], period=window.key, starts_at=window.starts_at,
            ends_at=window.ends_at, limit_micros=limit, auto_disable=auto,
            spent_micros=reading.used, reserved_micros=reading.reserved,
            forecast_micros=forecast(reading.total, window, now), alert_percent=settings.alert_percent))
    return settings, found


@dataclass(frozen=True)
class BudgetOverview:
    settings: budgets.BudgetSettings
    budgets: tuple[BudgetStatus, ...]
    offpeak_provider: str  # the provider the off-peak window tries first now, or ""
    provider_choices: tuple[tuple[int, str], ...] = ()  # (id, name) of every provider, by priority


def offpeak_first(rows: list[AiProvider], chosen: int | None) -> str:
    """The provider the gateway tries first off-peak: the admin's choice while it is enabled, else
    the cheapest enabled one per token (a typical call: output priced 4 to 1 over input); "" with none."""
    enabled = [p for p in rows if p.enabled]
    preferred = next((p.name for p in enabled if p.id == chosen), None)
    if preferred is not None or not enabled:
        return preferred or ""
    return min(enabled, key=lambda p: (p.input_price_micros + 4 * p.output_price_micros, p.priority, p.id or 0)).name


def overview(actor_id: int, now: datetime | None = None) -> BudgetOverview:
    now = now or utcnow()
    with db.read_only() as session:
        require_admin(session, actor_id)
        settings, found = _statuses(session, now)
        rows = list(session.exec(select(AiProvider).order_by(col(AiProvider.priority), col(AiProvider.id))).all())
    choices = tuple((p.id, p.name) for p in rows if p.id is not None)
    return BudgetOverview(settings, tuple(found), offpeak_first(rows, settings.offpeak_provider_id), choices)


def crossed(actor_id: int, now: datetime | None = None) -> list[BudgetStatus]:
    """The budgets at or past the alert threshold now (for the admins' banner)."""
    now = now or utcnow()
    with db.read_only() as session:
        require_admin(session, actor_id)
        return [b for b in _statuses(session, now)[1] if b.alerting]


def alert_key(status: BudgetStatus) -> str:
    return f"alert:{status.name}:{status.period}"


def message(status: BudgetStatus) -> tuple[str, str]:
    """The alert e-mail's subject and body."""
    percent = status.percent or 0.0
    subject = f"Vigor: AI spend is at {percent:.0f}% of the {status.label} budget"
    lines = [
        f"Vigor's AI spend for {status.period} has reached {percent:.1f}% of the {status.label} budget "
        f"(the alert is set at {status.alert_percent}%).",
        "",
        f"Spent: {pricing.format_usd(status.spent_micros)}"
        + (f" (+{pricing.format_usd(status.reserved_micros)} reserved by calls in flight)"
           if status.reserved_micros else ""),
        f"Budget: {pricing.format_usd(status.limit_micros or 0)}",
        f"Forecast by the end of the period at the current rate: {pricing.format_usd(status.forecast_micros)}",
        "",
        ("When the budget is reached, the AI pauses and Vigor's built-in coach answers "
         "(auto-disable is on)." if status.auto_disable else
         "Auto-disable is off: spend may pass this budget."),
        "Until then, the cheapest provider is tried first.",
        "",
        f"Budgets: {get_settings().app_url.rstrip('/')}/admin/budgets",
    ]
    return subject, "\n".join(lines)


def _claim(status: BudgetStatus, now: datetime) -> bool:
    with db.transaction() as session:
        return counters.take(session, {alert_key(status): 1}, 1, now) is None


def _admin_emails() -> list[str]:
    with db.read_only() as session:
        return list(session.exec(
            select(User.email).where(User.role == ROLE_ADMIN, col(User.is_active).is_(True))
            .order_by(col(User.id))).all())


def check_and_notify(now: datetime | None = None, *,
                     send: Callable[[str, str, str], bool] | None = None) -> list[BudgetStatus]:
    """Alert once per period for every budget past its threshold. Returns the budgets
    alerted now (empty when nothing crossed or the alert was already sent)."""
    now = now or utcnow()
    with db.read_only() as session:
        statuses = [b for b in _statuses(session, now)[1] if b.alerting]
    sent = []
    for status in statuses:
        if not _claim(status, now):
            continue
        sent.append(status)
        log.warning("AI budget alert: %s spend for %s is %s of %s (%.1f%%, alert at %d%%)",
                    status.label, status.period, pricing.format_usd(status.committed_micros),
                    pricing.format_usd(status.limit_micros or 0), status.percent or 0.0,
                    status.alert_percent)
        if not get_settings().smtp_host:
            continue
        subject, body = message(status)
        for address in _admin_emails():
            try:
                (send or mailer.send_email)(address, subject, body)
            except mailer.MailError:
                log.error("The budget alert could not be e-mailed to %s", address)
    return sent


# --- the settings --------------------------------------------------------------------------


def _minute(text: str, field: str) -> int | None:
    text = text.strip()
    if not text:
        return None
    try:
        hours, minutes = (int(part) for part in text.split(":")[:2])
    except ValueError:
        raise ValidationError("Enter a time of day, e.g. 22:00.", field=field) from None
    if not (0 <= hours < 24 and 0 <= minutes < 60):
        raise ValidationError("Enter a time of day, e.g. 22:00.", field=field)
    return hours * 60 + minutes


def _dollars(text: str, field: str) -> int | None:
    return pricing.dollars_field(text, field, optional=True, example="50")


@dataclass(frozen=True, kw_only=True)
class BudgetSettingsInput:
    """What an admin typed for the global budgets: every box as typed ("" when left empty),
    each switch as ticked or not. ``settings_values`` checks and converts each, naming the
    field at fault."""

    weekly_limit: str  # dollars; empty: no weekly budget
    weekly_auto_disable: bool = False
    monthly_limit: str
    monthly_auto_disable: bool = False
    user_auto_disable: bool = False  # a person's AI stops at their tier's budget
    alert_percent: str  # 1 to 100
    offpeak_start: str  # HH:MM
    offpeak_end: str
    offpeak_timezone: str
    offpeak_provider: str  # a provider's id; empty: the cheapest enabled one


def settings_values(data: BudgetSettingsInput) -> dict[str, Any]:
    """The budget settings an admin typed (dollars, HH:MM), typed for
    ``budgets.update_budget_settings``; ``ValidationError`` names the field at fault."""
    try:
        alert = int(data.alert_percent.strip() or "0")
    except ValueError:
        raise ValidationError("Enter a percentage from 1 to 100.", field="alert_percent") from None
    return {
        "weekly_limit_micros": _dollars(data.weekly_limit, "weekly_limit_micros"),
        "weekly_auto_disable": data.weekly_auto_disable,
        "monthly_limit_micros": _dollars(data.monthly_limit, "monthly_limit_micros"),
        "monthly_auto_disable": data.monthly_auto_disable,
        "user_auto_disable": data.user_auto_disable,
        "alert_percent": alert,
        "offpeak_start_minute": _minute(data.offpeak_start, "offpeak_start_minute"),
        "offpeak_end_minute": _minute(data.offpeak_end, "offpeak_end_minute"),
        "offpeak_timezone": data.offpeak_timezone.strip() or "UTC",
        "offpeak_provider_id": _provider_choice(data.offpeak_provider),
    }


def _provider_choice(value: str) -> int | None:
    value = value.strip()
    if not value:
        return None  # the cheapest enabled provider
    if not value.isdigit():
        raise ValidationError("Choose a provider from the list.", field="offpeak_provider_id")
    return int(value)


def update_settings(actor_id: int, data: BudgetSettingsInput, *,
                    client_ip: str = "") -> budgets.BudgetSettings:
    """Save the budgets an admin typed (``budgets.update_budget_settings``: audited)."""
    return budgets.update_budget_settings(actor_id, client_ip=client_ip, **settings_values(data))
