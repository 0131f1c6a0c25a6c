"""Audit entries in words for people: the one table of what each stored field is called
and how its value reads.

The audit log stores before and after as JSON with field names as the code has them
(``monthly_limit_micros: 10000000``); the stored entry never changes. Only the admin pages'
display goes through here:

- `field_label`: "monthly_limit_micros" -> "Monthly limit" (``LABELS``, else the name in words,
  its unit suffix dropped).
- `value_text`: money from micro-dollars ("$10.00"), yes/no fields as "on"/"off", nothing as
  "none", minutes of the day as a clock ("22:00"), lists joined with commas.
- `action_text`: "ai.budgets" -> "AI budgets changed" (``ACTIONS``, else the name in words).
- `audit_values`: an entry's before and after as "Label: value" lines, only what changed when
  both are records.
"""

from __future__ import annotations

import json
from typing import Any

from vigor_app.services.ai import pricing

LABELS: dict[str, str] = {
    "monthly_limit_micros": "Monthly limit",
    "weekly_limit_micros": "Weekly limit",
    "monthly_budget_micros": "Monthly budget per person",
    "limit_micros": "Limit",
    "weekly_auto_disable": "Stop AI at the weekly limit",
    "monthly_auto_disable": "Stop AI at the monthly limit",
    "user_auto_disable": "Stop a person's AI at their budget",
    "alert_percent": "Alert at (% of a budget)",
    "offpeak_start_minute": "Off-peak starts",
    "offpeak_end_minute": "Off-peak ends",
    "offpeak_timezone": "Off-peak time zone",
    "offpeak_provider_id": "Off-peak provider",
    "daily": "Requests a day",
    "weekly": "Requests a week",
    "monthly": "Requests a month",
    "expires_at": "Expires",
    "override_id": "Override",
    "override_reason": "Override reason",
    "override_expires_at": "Override expires",
    "latency_ms": "Response time",
    "ok": "Worked",
    "price_text": "Price",
    "is_active": "Active",
    "active": "Active",
    "email": "E-mail",
    "sso": "Single sign-on",
    "from": "From",
    "to": "To",
}
ACTIONS: dict[str, str] = {
    "account.password_change": "Password changed",
    "account.password_reset": "Password reset",
    "account.password_reset_request": "Password reset asked for",
    "account.register": "Account created",
    "account.register_sso": "Account created with single sign-on",
    "account.sign_in_sso": "Signed in with single sign-on",
    "admin.create": "Admin created",
    "ai.budgets": "AI budgets changed",
    "ai.circuit_reset": "AI provider circuit reset",
    "ai.provider_created": "AI provider added",
    "ai.provider_deleted": "AI provider deleted",
    "ai.provider_moved": "AI provider moved",
    "ai.provider_tested": "AI provider tested",
    "ai.provider_updated": "AI provider changed",
    "ai.quota_override": "AI limits overridden for a person",
    "ai.quota_override_revoked": "AI limit override revoked",
    "ai.tier_limits": "AI limits of a tier changed",
    "ai.user_tier": "Tier changed",
    "membership.offer": "Membership offer changed",
    "membership.request": "Upgrade request answered",
    "user.export_downloaded": "Workout export downloaded",
    "user.set_active": "Account turned on or off",
    "user.set_role": "Role changed",
}
# Words in field names written out for people: "ai" -> "AI", "id" -> "ID".
_WORDS = {"ai": "AI", "id": "ID", "ip": "IP", "sso": "single sign-on", "url": "URL", "api": "API"}


def field_label(name: str) -> str:
    """A stored field's name for a person: "monthly_limit_micros" -> "Monthly limit",
    "api_base_url" -> "API base URL"."""
    if name in LABELS:
        return LABELS[name]
    words = name.removesuffix("_micros").removesuffix("_ms").split("_")
    text = " ".join(_WORDS.get(w, w) for w in words if w)
    return text[:1].upper() + text[1:]


def value_text(name: str, value: Any) -> str:
    """A stored value as a person reads it, by its field: "$10.00", "on", "none", "22:00"."""
    if value is None:
        return "none"
    if isinstance(value, bool):
        return "on" if value else "off"
    if name.endswith("_micros") and isinstance(value, int | float):
        return pricing.format_usd(int(value))
    if name.endswith("_ms") and isinstance(value, int | float):
        return f"{value:,g} ms"
    if name.endswith("_minute") and isinstance(value, int):
        return f"{value // 60:02d}:{value % 60:02d}"
    if name.endswith("_percent") and isinstance(value, int | float):
        return f"{value:g}%"
    if isinstance(value, list):
        return ", ".join(str(v) for v in value) if value else "none"
    if isinstance(value, dict):
        return json.dumps(value, sort_keys=True)
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}"
    return str(value)


def action_text(action: str) -> str:
    """What an audit action did: "ai.budgets" -> "AI budgets changed"."""
    if action in ACTIONS:
        return ACTIONS[action]
    return field_label(action.replace(".", "_"))


def _lines(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, dict):
        if not value:
            return "—"
        return "\n".join(f"{field_label(k)}: {value_text(k, v)}" for k, v in value.items())
    return str(value)


def _load(text: str) -> Any:
    if not text:
        return None
    try:
        return json.loads(text)
    except ValueError:
        return text


def audit_values(before: str, after: str) -> tuple[str, str]:
    """An audit entry's before and after (stored JSON) as "Label: value" lines. When both are
    records, only what changed is shown (the stored entry keeps everything)."""
    old, new = _load(before), _load(after)
    if isinstance(old, dict) and isinstance(new, dict):
        changed = [k for k in {**old, **new} if old.get(k) != new.get(k)]
        if changed:
            old = {k: old[k] for k in changed if k in old}
            new = {k: new[k] for k in changed if k in new}
    return _lines(old), _lines(new)
