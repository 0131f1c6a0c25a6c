"""The usage analytics, audit log and system pages."""

from __future__ import annotations

import json
from typing import Any

import reflex as rx

from vigor_app.clock import utcnow
from vigor_app.services.accounts.sessions import CurrentUser
from vigor_app.services.admin import accounts as admin
from vigor_app.services.admin import analytics as admin_analytics
from vigor_app.services.admin import feedback_summary
from vigor_app.services.admin.audit_words import action_text
from vigor_app.services.ai import pricing
from vigor_app.state.admin import AdminConsoleState
from vigor_app.state.admin_format import audit_rows, money, rate, when
from vigor_app.state.arguments import choice, text

PALETTE = ["#e8590c", "#1c7ed6", "#2f9e44", "#ae3ec9", "#f08c00", "#0c8599", "#e03131", "#5c940d"]
BUILTIN_COLOR = "#868e96"
FEATURE_LABELS = {"plan": "Plans", "chat": "Coach chat", "analysis": "Workout analysis",
                  "motivation": "Daily motivation"}
REASON_LABELS = {"quota": "the person's quota was used up", "budget": "a budget was reached",
                 "no_provider": "no provider was available", "all_failed": "every provider failed",
                 "unavailable": "the gateway could not run", "unknown": "not recorded"}
FEEDBACK_KINDS = {"coach_reply": "Coach reply", "analysis": "Workout analysis", "motivation": "Daily note",
                  "plan": "Plan"}
ENGINE_NAMES = {"builtin": admin_analytics.BUILTIN_LABEL, "safety": "Safety rules",
                feedback_summary.UNKNOWN: "Not recorded"}


def feedback_rows(summary: feedback_summary.FeedbackSummary) -> list[dict[str, str]]:
    """The console's "Member feedback" table: one row per provider, model and experiment arm."""
    return [{"provider": ENGINE_NAMES.get(g.provider, g.provider), "model": g.model or "—",
             "arm": g.arm.upper() or "—",
             "up": f"{g.up:,}", "down": f"{g.down:,}", "votes": f"{g.total:,}", "share": rate(g.share_up)}
            for g in summary.groups]


def feedback_reasons(summary: feedback_summary.FeedbackSummary) -> list[dict[str, str]]:
    return [{"when": when(r.when), "about": FEEDBACK_KINDS.get(r.kind, r.kind),
             "provider": ENGINE_NAMES.get(r.provider, r.provider) + (f" · {r.model}" if r.model else ""),
             "vote": "Helped" if r.vote > 0 else "Did not help", "reason": r.reason}
            for r in summary.recent]


class UsageState(AdminConsoleState):
    days: str = "30"
    period: str = ""
    series: list[dict[str, str]] = []
    provider_series: list[dict[str, str]] = []
    calls_chart: list[dict[str, Any]] = []
    tokens_chart: list[dict[str, Any]] = []
    cost_chart: list[dict[str, Any]] = []
    totals: list[dict[str, str]] = []
    provider_rows: list[dict[str, str]] = []
    feature_rows: list[dict[str, str]] = []
    feature_chart: list[dict[str, Any]] = []
    reason_rows: list[dict[str, str]] = []
    top_users: list[dict[str, str]] = []
    feedback_rows: list[dict[str, str]] = []
    feedback_reasons: list[dict[str, str]] = []

    def _clear(self) -> None:
        self.series, self.calls_chart, self.tokens_chart, self.cost_chart = [], [], [], []
        self.provider_series = []
        self.totals, self.provider_rows, self.feature_rows, self.feature_chart = [], [], [], []
        self.reason_rows, self.top_users, self.period = [], [], ""
        self.feedback_rows, self.feedback_reasons = [], []

    def _refresh(self, actor: CurrentUser) -> None:
        days = int(choice(self.days, {str(d) for d in admin_analytics.PERIODS}) or 30)
        report = admin_analytics.usage_report(actor.id, days)
        self.period = f"{report.day_keys[0]} to {report.day_keys[-1]} (UTC days)"
        keys = {name: f"s{i}" for i, name in enumerate(report.series)}
        self.series = [
            {"key": keys[name], "name": name,
             "color": BUILTIN_COLOR if name == admin_analytics.BUILTIN_LABEL else PALETTE[i % len(PALETTE)]}
            for i, name in enumerate(report.series)
        ]
        provider_series = [s for s in self.series if s["name"] != admin_analytics.BUILTIN_LABEL]
        self.provider_series = provider_series

        def chart(table: dict[str, dict[str, int]], names: list[dict[str, str]], scale=None) -> list[dict]:
            rows = []
            for key in report.day_keys:
                row: dict[str, Any] = {"day": key[5:]}
                for s in names:
                    value = table.get(key, {}).get(s["name"], 0)
                    row[s["key"]] = float(pricing.micros_to_usd(value)) if scale == "usd" else value
                rows.append(row)
            return rows

        self.calls_chart = chart(report.calls_by_day, self.series)
        self.tokens_chart = chart(report.tokens_by_day, provider_series)
        self.cost_chart = chart(report.cost_by_day, provider_series, "usd")
        self.totals = [
            {"label": "Requests", "value": f"{report.requests:,}", "note": "asked by people"},
            {"label": "Cost", "value": money(report.cost_micros), "note": f"{report.tokens:,} tokens"},
            {"label": "Cache hit rate", "value": rate(report.cache_hit_rate),
             "note": f"{report.cache_hits:,} answered from the cache"},
            {"label": "Fallback rate", "value": rate(report.fallback_rate),
             "note": f"{report.builtin_answers:,} answered by the built-in coach"},
        ]
        self.provider_rows = [
            {"name": t.name, "calls": f"{t.calls:,}", "failures": f"{t.failures:,}",
             "input": f"{t.input_tokens:,}", "output": f"{t.output_tokens:,}", "cost": money(t.cost_micros),
             "over": f"+{t.over_reported:,}" if t.over_reported > 0 else "—"}
            for t in report.providers
        ]
        self.feature_rows = [
            {"feature": FEATURE_LABELS.get(f.feature, f.feature), "requests": f"{f.requests:,}",
             "cost": money(f.cost_micros)}
            for f in report.features
        ]
        self.feature_chart = [{"feature": FEATURE_LABELS.get(f.feature, f.feature),
                               "cost": float(pricing.micros_to_usd(f.cost_micros))} for f in report.features]
        self.reason_rows = [
            {"reason": REASON_LABELS.get(reason, reason), "count": f"{count:,}",
             "share": rate(count / report.builtin_answers if report.builtin_answers else None)}
            for reason, count in sorted(report.builtin_reasons.items(), key=lambda r: -r[1])
        ]
        self.top_users = [
            {"username": u.username, "email": u.email, "requests": f"{u.requests:,}", "cost": money(u.cost_micros)}
            for u in report.top_users
        ]
        votes = feedback_summary.summary(actor.id, days)
        self.feedback_rows, self.feedback_reasons = feedback_rows(votes), feedback_reasons(votes)

    @rx.event
    def load(self):
        return self._load_page(self._refresh)

    @rx.event
    def set_days(self, value: str):
        self.days = choice(value, {str(d) for d in admin_analytics.PERIODS}) or "30"
        actor = self._admin()
        if actor is not None:
            self._refresh(actor)


class AuditState(AdminConsoleState):
    rows: list[dict[str, str]] = []
    action: str = ""
    by: str = ""
    actions: list[str] = []
    action_choices: list[dict[str, str]] = []  # {"id": "ai.budgets", "name": "AI budgets changed"}
    actors: list[dict[str, str]] = []

    def _clear(self) -> None:
        self.rows, self.actions, self.action_choices, self.actors = [], [], [], []

    def _refresh(self, actor: CurrentUser) -> None:
        actions, actors = admin.audit_filters(actor.id)
        self.actions = actions
        self.action_choices = [{"id": a, "name": action_text(a)} for a in actions]
        self.actors = [{"id": i, "name": name} for i, name in actors]
        self.rows = audit_rows(admin.audit_log(actor.id, self.action, limit=200, by=self.by))

    @rx.event
    def load(self):
        return self._load_page(self._refresh)

    @rx.event
    def set_action(self, value: str):
        self.action = text(value, 64)
        actor = self._admin()
        if actor is not None:
            self._refresh(actor)

    @rx.event
    def set_by(self, value: str):
        self.by = text(value, 16)
        actor = self._admin()
        if actor is not None:
            self._refresh(actor)


SCHEDULER_LABELS = {"reason": "Why", "daily_interval_seconds": "Looks for people due a daily message every",
                    "error": "Could not report"}


def scheduler_rows(detail: dict) -> list[dict[str, str]]:
    """The scheduler's report as label/value rows: one per job (with its next run), then the rest."""
    rows = [{"key": str(name), "value": str(next_run)} for name, next_run in (detail.get("jobs") or {}).items()]
    for key, value in detail.items():
        if key in ("running", "jobs"):
            continue
        shown = f"{value} s" if key.endswith("_seconds") else (
            json.dumps(value, default=str) if isinstance(value, dict | list) else str(value))
        rows.append({"key": SCHEDULER_LABELS.get(key, key.replace("_", " ")), "value": shown})
    return rows


class SystemState(AdminConsoleState):
    version: str = ""
    healthy: bool = False
    checks: list[dict[str, str]] = []
    scheduler: list[dict[str, str]] = []
    scheduler_running: bool = False
    provider_health: list[dict[str, str]] = []
    health_json: str = ""
    checked_at: str = ""

    def _clear(self) -> None:
        self.checks, self.scheduler, self.provider_health, self.health_json = [], [], [], ""

    def _refresh(self, actor: CurrentUser) -> None:
        report = admin_analytics.system_report(actor.id)
        database = report.health.get("database", {})
        self.version, self.healthy = report.version, report.healthy
        self.checks = [
            {"label": "Database", "value": str(database.get("status", "unknown")),
             "ok": "yes" if database.get("status") == "ok" else "",
             "note": f"{database.get('backend', '')}, schema {database.get('schema_revision', '?')}, "
                     f"{database.get('latency_ms', '?')} ms"},
            {"label": "App version", "value": report.version, "ok": "yes", "note": ""},
        ]
        self.scheduler_running = report.scheduler.running
        self.scheduler = scheduler_rows(report.scheduler.detail)
        self.provider_health = [
            {"name": c.name, "enabled": "enabled" if report.enabled.get(c.provider_id, False) else "disabled",
             "state": c.state.replace("_", "-"), "ok": "yes" if c.state == "closed" else "",
             "failures": str(c.consecutive_failures), "last_error": c.last_error or "–",
             "retry_at": when(c.retry_at) if c.retry_at else "–"}
            for c in report.circuits
        ]
        self.health_json = json.dumps(report.health, indent=2, sort_keys=True)
        self.checked_at = when(utcnow())

    @rx.event
    def load(self):
        return self._load_page(self._refresh)
