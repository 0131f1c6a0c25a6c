"""The budgets page (global budgets, alert, off-peak window) and the tiers page (limits)."""

from __future__ import annotations

import reflex as rx

from vigor_app.services import vocabulary
from vigor_app.services.accounts.sessions import CurrentUser
from vigor_app.services.admin import budget_alerts
from vigor_app.services.admin import users as admin_users
from vigor_app.services.admin.providers import plain_dollars
from vigor_app.services.ai import quotas
from vigor_app.services.errors import VigorError
from vigor_app.state.admin import AdminConsoleState
from vigor_app.state.admin_format import bar, money, percent, when
from vigor_app.state.arguments import form as form_values
from vigor_app.state.arguments import form_as, form_field
from vigor_app.state.auth import field_errors

BUDGET_FIELDS = {"weekly_limit_micros": "weekly_limit", "monthly_limit_micros": "monthly_limit",
                 "offpeak_start_minute": "offpeak_start", "offpeak_end_minute": "offpeak_end",
                 "offpeak_provider_id": "offpeak_provider"}


def _clock(minute: int | None) -> str:
    return "" if minute is None else f"{minute // 60:02d}:{minute % 60:02d}"


def _budget_row(b: budget_alerts.BudgetStatus) -> dict[str, str]:
    has_limit = b.limit_micros is not None
    return {
        "name": b.name, "title": f"{b.label.capitalize()} budget", "period": b.period,
        "ends": when(b.ends_at), "has_limit": "yes" if has_limit else "",
        "limit": money(b.limit_micros), "spent": money(b.spent_micros),
        "reserved": money(b.reserved_micros) if b.reserved_micros else "",
        "percent": percent(b.percent, 1), "bar": str(bar(b.percent)),
        "forecast": money(b.forecast_micros), "forecast_percent": percent(b.forecast_percent),
        "forecast_bar": str(bar(b.forecast_percent)),
        "over": "yes" if b.forecast_percent is not None and b.forecast_percent > 100 else "",
        "alerting": "yes" if b.alerting else "",
        "auto": "The AI pauses at the limit (auto-disable)." if b.auto_disable
        else "Alert only: spend may pass this budget.",
    }


class BudgetsState(AdminConsoleState):
    budgets: list[dict[str, str]] = []
    values: dict[str, str] = {}
    errors: dict[str, str] = {}
    form_key: int = 0
    offpeak_provider: str = ""  # the provider tried first off-peak now
    provider_choices: list[dict[str, str]] = []  # for the "preferred off-peak" picker

    def _clear(self) -> None:
        self.budgets, self.values, self.offpeak_provider, self.provider_choices = [], {}, "", []

    def _refresh(self, actor: CurrentUser) -> None:
        found = budget_alerts.overview(actor.id)
        s = found.settings
        self.budgets = [_budget_row(b) for b in found.budgets]
        self.values = {
            "weekly_limit": plain_dollars(s.weekly_limit_micros), "weekly_auto_disable": "on" if s.weekly_auto_disable else "",
            "monthly_limit": plain_dollars(s.monthly_limit_micros),
            "monthly_auto_disable": "on" if s.monthly_auto_disable else "",
            "user_auto_disable": "on" if s.user_auto_disable else "", "alert_percent": str(s.alert_percent),
            "offpeak_start": _clock(s.offpeak_start_minute), "offpeak_end": _clock(s.offpeak_end_minute),
            "offpeak_timezone": s.offpeak_timezone,
            "offpeak_provider": str(s.offpeak_provider_id or ""),
        }
        self.offpeak_provider = found.offpeak_provider
        self.provider_choices = [{"id": str(pid), "name": name} for pid, name in found.provider_choices]
        self.form_key += 1

    @rx.event
    def load(self):
        self.errors = {}
        return self._load_page(self._refresh)

    def _show_errors(self, exc: VigorError) -> None:
        self.errors = field_errors(exc, BUDGET_FIELDS)

    @rx.event
    def save(self, form: dict):
        saved = self._as_admin(
            lambda actor: budget_alerts.update_settings(actor.id, form_as(budget_alerts.BudgetSettingsInput, form),
                                                        client_ip=self._client_ip()),
            error=self._show_errors)
        if not saved.ok:
            return saved.answer
        actor = saved.user
        self.errors = {}
        self._refresh(actor)
        if self._refresh_banner(actor):
            return [rx.toast.success("Budgets saved."), AdminConsoleState.notify_budget_alerts]
        return rx.toast.success("Budgets saved.")


class TiersState(AdminConsoleState):
    tiers: list[dict[str, str]] = []
    errors: dict[str, str] = {}  # "<tier>.<field>": message
    form_key: int = 0

    def _clear(self) -> None:
        self.tiers = []

    def _refresh(self, actor: CurrentUser) -> None:
        limits = quotas.list_tier_limits(actor.id)
        self.tiers = [
            {"tier": tier, "label": vocabulary.TIER_LABELS[tier], "daily": str(t.daily), "weekly": str(t.weekly),
             "monthly": str(t.monthly), "monthly_budget": plain_dollars(t.monthly_budget_micros),
             "budget_text": money(t.monthly_budget_micros)}
            for tier, t in limits.items()
        ]
        self.form_key += 1

    @rx.event
    def load(self):
        self.errors = {}
        return self._load_page(self._refresh)

    @rx.event
    def save(self, form: dict):
        form = form_values(form)
        tier = form_field(form, "tier")
        values = {k.removeprefix(f"{tier}-"): v for k, v in form.items()}

        def show_errors(exc: VigorError) -> None:
            self.errors = {f"{tier}.{k}": v for k, v in field_errors(exc).items()}

        saved = self._as_admin(
            lambda actor: admin_users.set_tier_limits(actor.id, tier, form_as(admin_users.TierLimitsInput, values),
                                                      client_ip=self._client_ip()),
            error=show_errors)
        if not saved.ok:
            return saved.answer
        self.errors = {}
        self._refresh(saved.user)
        return rx.toast.success(f"{vocabulary.TIER_LABELS.get(tier, tier)} limits saved; they apply now.")
