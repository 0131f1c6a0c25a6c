"""People as the admin console shows them: tier, AI usage against limits, spend, activity;
and the per-person actions (tier, temporary limits, the workout log as CSV).

Reads are batched (one query per kind of thing, whatever the number of people shown).
Changes go through the services that own them, each admin-checked and audited:
``quotas.set_user_tier``, ``quotas.grant_override`` / ``revoke_override`` and
``admin.set_active`` (which ends the person's sessions at once). Downloading someone's
workout log is not a change, but it is personal data: it is audited too.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time

from sqlalchemy import or_
from sqlmodel import Session, col, select

from vigor_app import db
from vigor_app.clock import utcnow
from vigor_app.models import AiQuotaOverride, FitnessProfile, User
from vigor_app.models.ids import saved_id
from vigor_app.services import audit, vocabulary
from vigor_app.services.accounts.roles import require_admin
from vigor_app.services.admin.accounts import PAGE_SIZE
from vigor_app.services.ai import budgets, counters, pricing, quotas
from vigor_app.services.ai.windows import usage_windows, zone
from vigor_app.services.errors import NotFound, ValidationError
from vigor_app.services.your_data import export as data_export

MAX_OVERRIDE_DAYS = 366


@dataclass(frozen=True)
class Usage:
    kind: str  # day | week | month
    used: int
    limit: int


@dataclass(frozen=True)
class PersonRow:
    id: int
    email: str
    username: str
    role: str
    is_active: bool
    tier: str
    created_at: datetime
    last_seen_at: datetime | None
    usage: tuple[Usage, ...]  # day, week, month, in the person's time zone
    spend_month_micros: int  # settled AI spend this (local) month
    budget_month_micros: int  # the tier's per-person monthly budget
    override_reason: str | None
    override_expires_at: datetime | None


def people(actor_id: int, search: str = "", limit: int = PAGE_SIZE,
           now: datetime | None = None) -> list[PersonRow]:
    """People matching `search` (e-mail or username), newest first, with their usage."""
    now = now or utcnow()
    with db.read_only() as session:
        require_admin(session, actor_id)
        query = select(User).order_by(col(User.created_at).desc(), col(User.id).desc())
        term = search.strip().lower()[:100]
        if term:
            like = f"%{term}%"
            query = query.where(or_(col(User.email).like(like), col(User.username_key).like(like)))
        return _rows(session, list(session.exec(query.limit(limit)).all()), now)


def person(actor_id: int, user_id: int, now: datetime | None = None) -> PersonRow:
    now = now or utcnow()
    with db.read_only() as session:
        require_admin(session, actor_id)
        user = session.get(User, user_id) if isinstance(user_id, int) else None
        if user is None:
            raise NotFound("That account does not exist.")
        return _rows(session, [user], now)[0]


_LIMIT_NAMES = {"day": "daily", "week": "weekly", "month": "monthly"}


def _rows(session: Session, users: list[User], now: datetime) -> list[PersonRow]:
    if not users:
        return []
    ids = [u.id for u in users]
    zones = dict(session.exec(select(FitnessProfile.user_id, FitnessProfile.timezone)
                              .where(col(FitnessProfile.user_id).in_(ids))).all())
    limits = {tier: quotas.tier_limits(session, tier) for tier in vocabulary.TIERS}
    overrides: dict[int, AiQuotaOverride] = {}
    for row in session.exec(
            select(AiQuotaOverride)
            .where(col(AiQuotaOverride.user_id).in_(ids), col(AiQuotaOverride.revoked_at).is_(None),
                   col(AiQuotaOverride.expires_at) > now)
            .order_by(col(AiQuotaOverride.created_at), col(AiQuotaOverride.id))).all():
        overrides[row.user_id] = row  # the newest wins, as in quotas.allowance
    windows = {saved_id(u): usage_windows(now, zones.get(saved_id(u)) or "UTC") for u in users}
    spend_keys = {uid: budgets.spend_keys(uid, now, spans)[budgets.USER_MONTH] for uid, spans in windows.items()}
    keys = [quotas.quota_key(uid, w) for uid, spans in windows.items() for w in spans] + list(spend_keys.values())
    readings = counters.read(session, keys)

    rows = []
    for u in users:
        uid = saved_id(u)
        tier = quotas.normal_tier(u.tier)
        base = limits[tier]
        found = overrides.get(uid)
        usage = []
        for w in windows[uid]:
            name = _LIMIT_NAMES[w.kind]
            special = getattr(found, name) if found is not None else None
            usage.append(Usage(w.kind, readings[quotas.quota_key(uid, w)].used,
                               special if special is not None else getattr(base, name)))
        rows.append(PersonRow(
            id=uid, email=u.email, username=u.username, role=u.role, is_active=u.is_active,
            tier=tier, created_at=u.created_at or now, last_seen_at=u.last_seen_at,
            usage=tuple(usage), spend_month_micros=readings[spend_keys[uid]].used,
            budget_month_micros=base.monthly_budget_micros,
            override_reason=found.reason if found is not None else None,
            override_expires_at=found.expires_at if found is not None else None,
        ))
    return rows


# --- changes ------------------------------------------------------------------------------


def _limit(text: str, field: str) -> int | None:
    text = (text or "").strip()
    if not text:
        return None
    try:
        value = int(text)
    except ValueError:
        raise ValidationError("Enter a whole number, or leave it empty to keep the tier's limit.",
                              field=field) from None
    if not 0 <= value <= quotas.MAX_LIMIT:
        raise ValidationError(f"Enter a whole number from 0 to {quotas.MAX_LIMIT:,}.", field=field)
    return value


def override_expiry(text: str, timezone: str | None = "UTC", now: datetime | None = None) -> datetime:
    """The end of the day `text` (``YYYY-MM-DD``) in `timezone`, as UTC: an override lasts
    through the day it is set to expire."""
    now = now or utcnow()
    try:
        day = date.fromisoformat((text or "").strip())
    except ValueError:
        raise ValidationError("Choose the last day the limits apply.", field="expires_at") from None
    tz = zone(timezone)
    ends = datetime.combine(day, time(23, 59, 59), tzinfo=tz).astimezone(UTC)
    if ends <= now:
        raise ValidationError("Choose a day from today on.", field="expires_at")
    if (ends - now).days > MAX_OVERRIDE_DAYS:
        raise ValidationError("An override lasts at most a year.", field="expires_at")
    return ends


@dataclass(frozen=True)
class OverrideInput:
    """What an admin typed for a temporary override, as text: the limits (empty keeps the
    tier's), the last day it applies (``YYYY-MM-DD``) and why. ``grant_override`` checks and
    converts each, naming the field at fault."""

    daily: str = ""
    weekly: str = ""
    monthly: str = ""
    expires_at: str = ""
    reason: str = ""


def grant_override(actor_id: int, user_id: int, data: OverrideInput, *, client_ip: str = "",
                   now: datetime | None = None) -> quotas.OverrideView:
    """Other limits for one person until a day, with a reason."""
    values = {name: _limit(getattr(data, name), name) for name in ("daily", "weekly", "monthly")}
    return grant_override_through(actor_id, user_id, data.expires_at, reason=data.reason, client_ip=client_ip,
                                  now=now, **values)


def grant_override_through(actor_id: int, user_id: int, last_day: str, *, reason: str,
                           daily: int | None = None, weekly: int | None = None, monthly: int | None = None,
                           client_ip: str = "", now: datetime | None = None) -> quotas.OverrideView:
    """Other limits (None keeps the tier's) for one person through `last_day` (``YYYY-MM-DD``,
    to its end in their time zone; at most a year), with a reason."""
    now = now or utcnow()
    with db.read_only() as session:
        require_admin(session, actor_id)
        timezone = quotas.user_timezone(session, user_id) if isinstance(user_id, int) else "UTC"
    expires_at = override_expiry(last_day, timezone, now)
    return quotas.grant_override(actor_id, user_id, expires_at=expires_at, reason=reason, client_ip=client_ip,
                                 now=now, daily=daily, weekly=weekly, monthly=monthly)


def export_workouts_csv(actor_id: int, user_id: int, *, client_ip: str = "") -> tuple[str, str]:
    """(file name, CSV) of one person's workout log; the download is audited."""
    with db.transaction() as session:
        require_admin(session, actor_id)
        user = session.get(User, user_id) if isinstance(user_id, int) else None
        if user is None:
            raise NotFound("That account does not exist.")
        username = user.username
        audit.record(session, actor_user_id=actor_id, action="user.export_downloaded",
                     target_type="user", target_id=user_id, before=None,
                     after={"export": "workout sets (CSV)"}, client_ip=client_ip)
    return f"vigor-sets-{username}.csv", data_export.export_sets_csv(user_id)


@dataclass(frozen=True)
class TierLimitsInput:
    """What an admin typed for a tier, as text: requests per day, week and month (whole
    numbers) and the monthly budget per person in dollars."""

    daily: str = ""
    weekly: str = ""
    monthly: str = ""
    monthly_budget: str = ""


def set_tier_limits(actor_id: int, tier: str, data: TierLimitsInput, *,
                    client_ip: str = "") -> quotas.TierLimits:
    """A tier's limits (requests as whole numbers, the budget in dollars); they apply to the
    next request (``quotas.set_tier_limits``, audited)."""
    numbers = {}
    for name in ("daily", "weekly", "monthly"):
        value = _limit(getattr(data, name), name)
        if value is None:
            raise ValidationError("Enter a whole number.", field=name)
        numbers[name] = value
    budget = pricing.dollars_field(data.monthly_budget, "monthly_budget", example="5")
    return quotas.set_tier_limits(actor_id, tier, monthly_budget_micros=budget, client_ip=client_ip,
                                  **numbers)
