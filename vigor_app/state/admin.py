"""The admin console's state. Every handler checks on the server that an admin is asking
(``_admin()``, looked up in the database each time); the services check the role again
themselves. A person who is not an admin gets nothing loaded and changes nothing.

``AdminConsoleState`` is the base of every admin page's state: it holds the budget-alert
banner and ``_as_admin()``, which refuses anyone else and calls a service for the admin. ``AdminState`` is the overview and the people (``/admin``, ``/admin/users``).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import TypeVar

import reflex as rx

from vigor_app.services import vocabulary
from vigor_app.services.accounts.sessions import CurrentUser
from vigor_app.services.admin import accounts as admin
from vigor_app.services.admin import analytics as admin_analytics
from vigor_app.services.admin import budget_alerts
from vigor_app.services.admin import users as admin_users
from vigor_app.services.ai import quotas
from vigor_app.services.errors import VigorError
from vigor_app.state.admin_format import audit_rows, bar, day, money, percent, rate, when
from vigor_app.state.arguments import choice, flag, form_as, form_field, record_id, text
from vigor_app.state.arguments import form as form_values
from vigor_app.state.auth import AuthState, ErrorShown, Outcome, field_errors

log = logging.getLogger(__name__)

DENIED = "Only administrators can do this."
RECENT_AUDIT = 10
WINDOW_LABELS = {"day": "Today", "week": "This week", "month": "This month"}

T = TypeVar("T")


# --- the base of every admin page -------------------------------------------------------------


class AdminConsoleState(AuthState):
    """The budget-alert banner every admin page shows, and the admin check."""

    budget_banner: list[str] = []

    def _clear(self) -> None:
        """Forget whatever a page loaded (a person who is not an admin sees nothing)."""

    def _admin(self) -> CurrentUser | None:
        user = self._current_user()
        if user is None or not user.is_admin:
            self.budget_banner = []
            self._clear()
            return None
        return user

    def _as_admin(self, action: Callable[[CurrentUser], T], *, error: ErrorShown = None) -> Outcome[T]:
        """`action(admin)` when an admin is asking (checked now, in the database), a service's
        error shown where `error` says (see `AuthState._as_user`); anyone else is refused with
        a toast and nothing is called."""
        actor = self._admin()
        if actor is None:
            return Outcome(ok=False, answer=rx.toast.error(DENIED))
        return self._attempt(actor, action, error)

    def _refresh_banner(self, actor: CurrentUser) -> bool:
        try:
            crossed = budget_alerts.crossed(actor.id)
        except VigorError:
            crossed = []
        self.budget_banner = [
            f"AI spend is at {percent(b.percent)} of the {b.label} budget for {b.period} "
            f"({money(b.committed_micros)} of {money(b.limit_micros)}; alert at {b.alert_percent}%)."
            for b in crossed
        ]
        return bool(crossed)

    def _load_page(self, refresh):
        """on_load of an admin page: sign-in, the admin check, the page's data, the banner."""
        if self._current_user() is None:
            return self._sign_in_redirect()
        actor = self._admin()
        if actor is None:
            return None
        refresh(actor)
        if self._refresh_banner(actor):
            return AdminConsoleState.notify_budget_alerts
        return None

    @rx.event(background=True)
    async def notify_budget_alerts(self):
        """Send the alert for a crossed budget (once per period; e-mail is slow: off the lock)."""
        async with self:
            actor = self._admin()
        if actor is None:
            return
        try:
            await asyncio.to_thread(budget_alerts.check_and_notify)
        except Exception:  # noqa: BLE001 - the banner stands; the next page load tries again
            log.exception("Could not send the AI budget alert")


# --- the overview and the people ----------------------------------------------------------


def _person(row: admin_users.PersonRow, actor: CurrentUser) -> dict[str, str]:
    usage = {u.kind: u for u in row.usage}

    def used(kind: str) -> str:
        found = usage.get(kind)
        return f"{found.used} / {found.limit}" if found else "–"

    return {
        "id": str(row.id), "email": row.email, "username": row.username, "role": row.role,
        "status": "active" if row.is_active else "disabled", "tier": row.tier,
        "tier_label": vocabulary.TIER_LABELS.get(row.tier, row.tier),
        "joined": day(row.created_at), "last_seen": when(row.last_seen_at),
        "day": used("day"), "week": used("week"), "month": used("month"),
        "spend": money(row.spend_month_micros), "budget": money(row.budget_month_micros),
        "override": (f"{row.override_reason} (until {when(row.override_expires_at)})"
                     if row.override_reason else ""),
        "is_self": "yes" if row.id == actor.id else "",
    }


class AdminState(AdminConsoleState):
    users: list[dict[str, str]] = []
    user_count: int = 0
    search: str = ""
    audit_rows: list[dict[str, str]] = []
    summary: list[dict[str, str]] = []

    # The person being managed (a dialog): who, their overrides, the form's errors.
    manage_open: bool = False
    manage: dict[str, str] = {}
    manage_usage: list[dict[str, str]] = []
    overrides: list[dict[str, str]] = []
    override_errors: dict[str, str] = {}
    override_form_key: int = 0
    _manage_id: int = 0

    def _clear(self) -> None:
        self.users, self.audit_rows, self.summary, self.user_count = [], [], [], 0
        self.manage_open, self.manage, self.manage_usage, self.overrides = False, {}, [], []
        self._manage_id = 0

    def _refresh(self, actor: CurrentUser) -> None:
        self.users = [_person(p, actor) for p in admin_users.people(actor.id, self.search)]
        self.user_count = admin.count_users(actor.id)
        self.audit_rows = audit_rows(admin.audit_log(actor.id, limit=RECENT_AUDIT), lines=4)
        if self._manage_id:
            self._refresh_manage(actor)

    def _refresh_summary(self, actor: CurrentUser) -> None:
        report = admin_analytics.usage_report(actor.id, 7)
        budgets = budget_alerts.overview(actor.id).budgets
        month = next(b for b in budgets if b.name == "global_month")
        listed = admin_analytics.provider_overview(actor.id)
        enabled = [p for p in listed if p.provider.enabled and not p.provider.builtin]
        open_circuits = [p for p in enabled if p.provider.circuit != "closed"]
        self.summary = [
            {"label": "AI requests, 7 days", "value": f"{report.requests:,}",
             "note": f"{report.cache_hits:,} from the cache"},
            {"label": "AI spend this month", "value": money(month.committed_micros),
             "note": (f"of {money(month.limit_micros)} budget" if month.limit_micros is not None
                      else "no monthly budget set")},
            {"label": "Built-in coach answered", "value": rate(report.fallback_rate),
             "note": "of requests, 7 days"},
            {"label": "Providers", "value": f"{len(enabled)} enabled",
             "note": (f"{len(open_circuits)} with an open circuit" if open_circuits
                      else "all circuits closed")},
        ]

    def _refresh_manage(self, actor: CurrentUser) -> None:
        row = admin_users.person(actor.id, self._manage_id)
        self.manage = {**_person(row, actor), "budget": money(row.budget_month_micros)}
        self.manage_usage = [
            {"label": WINDOW_LABELS[u.kind], "used": str(u.used), "limit": str(u.limit),
             "percent": str(bar(100 * u.used / u.limit if u.limit else 100))}
            for u in row.usage
        ]
        self.overrides = [
            {"id": str(o.id), "limits": ", ".join(f"{name} {value}" for name, value in
                                                  (("day", o.daily), ("week", o.weekly), ("month", o.monthly))
                                                  if value is not None),
             "until": when(o.expires_at), "reason": o.reason, "active": "yes" if o.active else ""}
            for o in quotas.list_overrides(actor.id, self._manage_id)
        ]

    @rx.event
    def load(self):
        def refresh(actor: CurrentUser) -> None:
            self._refresh(actor)
            self._refresh_summary(actor)
        return self._load_page(refresh)

    @rx.event
    def load_users(self):
        return self._load_page(self._refresh)

    @rx.event
    def set_search(self, value: str):
        self.search = text(value, 100)
        actor = self._admin()
        if actor is not None:
            self._refresh(actor)

    def _change(self, action, user_id: str, value, done: str):
        def change(actor: CurrentUser) -> None:
            if value is None:
                raise VigorError("That change is not possible.")
            action(actor.id, record_id(user_id), value, client_ip=self._client_ip())

        changed = self._as_admin(change)
        if not changed.ok:
            return changed.answer
        self._refresh(changed.user)
        return rx.toast.success(done)

    def _managed(self) -> int:
        """The person being managed; an error when none is."""
        if not self._manage_id:
            raise VigorError("Choose a person first.")
        return self._manage_id

    @rx.event
    def set_role(self, user_id: str, role: str):
        return self._change(admin.set_role, user_id, choice(role, ("user", "admin")), f"Role changed to {role}.")

    @rx.event
    def set_active(self, user_id: str, active: bool):
        return self._change(admin.set_active, user_id, flag(active),
                            "Account enabled." if active else "Account disabled; its sessions ended.")

    # -- one person --------------------------------------------------------------------------

    @rx.event
    def open_user(self, user_id: str):
        def not_found(exc: VigorError):
            self._manage_id = 0
            return rx.toast.error(exc.message)

        def show(actor: CurrentUser) -> None:
            self._manage_id = record_id(user_id)
            self._refresh_manage(actor)

        shown = self._as_admin(show, error=not_found)
        if not shown.ok:
            return shown.answer
        self.override_errors = {}
        self.override_form_key += 1
        self.manage_open = True
        return None

    @rx.event
    def set_manage_open(self, value: bool):
        self.manage_open = flag(value) is True
        if not self.manage_open:
            self._manage_id, self.manage, self.overrides, self.manage_usage = 0, {}, [], []

    @rx.event
    def change_tier(self, form: dict):
        tier = form_field(form_values(form), "tier")
        changed = self._as_admin(lambda actor: quotas.set_user_tier(actor.id, self._managed(), tier,
                                                                    client_ip=self._client_ip()))
        if not changed.ok:
            return changed.answer
        self._refresh(changed.user)
        return rx.toast.success(f"Tier changed to {vocabulary.TIER_LABELS.get(tier, tier)}.")

    @rx.event
    def set_manage_active(self, active: bool):
        if not self._manage_id:
            return rx.toast.error("Choose a person first.")
        return self._change(admin.set_active, str(self._manage_id), flag(active),
                            "Account enabled." if active else "Account disabled; its sessions ended.")

    def _override_error(self, exc: VigorError):
        """A refused grant shows next to the field at fault (no one chosen: a toast)."""
        if not self._manage_id:
            return rx.toast.error(exc.message)
        self.override_errors = field_errors(exc)
        return None

    @rx.event
    def grant_override(self, form: dict):
        granted = self._as_admin(
            lambda actor: admin_users.grant_override(actor.id, self._managed(), form_as(admin_users.OverrideInput, form),
                                                     client_ip=self._client_ip()),
            error=self._override_error)
        if not granted.ok:
            return granted.answer
        self.override_errors = {}
        self.override_form_key += 1
        self._refresh(granted.user)
        return rx.toast.success("Temporary limits granted.")

    @rx.event
    def revoke_override(self, override_id: str):
        revoked = self._as_admin(lambda actor: quotas.revoke_override(actor.id, record_id(override_id),
                                                                      client_ip=self._client_ip()))
        if not revoked.ok:
            return revoked.answer
        self._refresh(revoked.user)
        return rx.toast.success("Temporary limits revoked.")

    @rx.event
    def download_csv(self, user_id: str):
        exported = self._as_admin(lambda actor: admin_users.export_workouts_csv(actor.id, record_id(user_id),
                                                                                client_ip=self._client_ip()))
        if not exported.ok:
            return exported.answer
        filename, data = exported.value
        return rx.download(data=data, filename=filename)
