"""The Membership page: tier, usage meters, the tiers compared, and asking for an upgrade."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import reflex as rx

from vigor_app.services import vocabulary
from vigor_app.services.admin import membership
from vigor_app.services.plans import profiles
from vigor_app.state.arguments import form_field
from vigor_app.state.auth import AuthState

WINDOW_TEXT = {"day": "Today", "week": "This week", "month": "This month"}


def _dollars(micros: int) -> str:
    return f"${micros / 1_000_000:,.2f}"


def _when(moment: datetime, zone: ZoneInfo) -> str:
    return moment.astimezone(zone).strftime("%a %d %b, %H:%M")


class MembershipState(AuthState):
    tier: str = ""
    tier_label: str = ""
    meters: list[dict[str, Any]] = []
    spend: str = ""
    budget: str = ""
    spend_percent: int = 0
    offers: list[dict[str, str]] = []
    recent: list[dict[str, str]] = []
    requests: list[dict[str, str]] = []
    higher_tiers: list[dict[str, str]] = []
    override: str = ""
    request_error: str = ""

    @rx.event
    def load(self):
        user = self._current_user()
        if user is None:
            return
        zone = ZoneInfo(profiles.get_profile(user.id).timezone)
        view = membership.overview(user.id)
        self.tier, self.tier_label = view.tier, vocabulary.TIER_LABELS[view.tier]
        self.meters = [{"label": WINDOW_TEXT[m.window], "used": str(m.used), "limit": str(m.limit),
                        "percent": m.percent, "resets": _when(m.resets_at, zone),
                        "aria": f"{WINDOW_TEXT[m.window]}: {m.used} of {m.limit} AI requests used"} for m in view.meters]
        self.spend, self.budget = _dollars(view.spend_micros), _dollars(view.budget_micros)
        self.spend_percent = 100 if view.budget_micros <= 0 else min(
            100, round(100 * view.spend_micros / view.budget_micros))
        self.offers = [{"tier": o.tier, "label": o.label, "daily": str(o.daily), "weekly": str(o.weekly),
                        "monthly": str(o.monthly), "budget": _dollars(o.monthly_budget_micros),
                        "unlocks": o.unlocks, "price": o.price or ("Free" if o.tier == "free" else "Ask us"),
                        "current": "yes" if o.tier == view.tier else ""} for o in view.offers]
        self.recent = [{"when": _when(r.at, zone), "feature": r.feature, "engine": r.engine, "why": r.why}
                       for r in view.recent]
        self.requests = [{"to": vocabulary.TIER_LABELS.get(r.to_tier, r.to_tier), "status": r.status,
                          "reason": r.reason, "when": _when(r.created_at, zone)} for r in view.requests]
        rank = vocabulary.TIERS.index(view.tier)
        self.higher_tiers = [{"tier": t, "label": vocabulary.TIER_LABELS[t]} for t in vocabulary.TIERS[rank + 1:]]
        self.override = view.override_reason or ""

    @rx.event
    def request_upgrade(self, form_data: dict):
        self.request_error = ""
        asked = self._as_user(
            lambda user: membership.request_upgrade(user.id, form_field(form_data, "to_tier"),
                                                    form_field(form_data, "note")),
            error="request_error")
        if not asked.ok:
            return asked.answer
        self.load()
        return rx.toast.success("Request sent. An administrator will answer soon.")
