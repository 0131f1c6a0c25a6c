"""How figures are shown on the admin pages: times, days, money, percentages, progress bars
and audit entries, each as the text a table or card holds."""

from __future__ import annotations

from datetime import datetime

from vigor_app.clock import as_utc
from vigor_app.services.admin import accounts as admin
from vigor_app.services.admin.audit_words import action_text, audit_values
from vigor_app.services.ai import pricing


def when(value: datetime | None) -> str:
    if value is None:
        return "never"
    return as_utc(value).strftime("%Y-%m-%d %H:%M UTC")


def day(value: datetime | None) -> str:
    return value.strftime("%Y-%m-%d") if value else ""


def money(micros: int | None) -> str:
    return "none" if micros is None else pricing.format_usd(micros)


def percent(value: float | None, digits: int = 0) -> str:
    return "–" if value is None else f"{value:.{digits}f}%"


def rate(value: float | None) -> str:
    return "–" if value is None else f"{100 * value:.1f}%"


def bar(value: float | None) -> int:
    """A progress bar's value (0–100)."""
    return 0 if value is None else max(0, min(100, round(value)))


def _first_lines(text: str, count: int) -> str:
    lines = text.split("\n")
    return text if len(lines) <= count else "\n".join(lines[:count] + [f"… {len(lines) - count} more"])


def audit_rows(entries: list[admin.AuditRow], *, lines: int = 0) -> list[dict[str, str]]:
    """Audit entries for a table; `lines` > 0 keeps that many lines of each value."""
    rows = []
    for a in entries:
        before, after = audit_values(a.before, a.after)
        if lines:
            before, after = _first_lines(before, lines), _first_lines(after, lines)
        rows.append({"id": str(a.id), "when": when(a.created_at), "actor": a.actor, "action": action_text(a.action),
                     "code": a.action,
                     "target": a.target, "before": before, "after": after})
    return rows
