"""Per-person request quotas by tier: a day, an ISO week and a month in their time zone.

A request that may reach a provider takes one unit from each of the three windows at once
(``reserve``, atomic: concurrent requests cannot slip past a limit). A request the built-in
engine answers, or the cache, gives it back. Admins edit each tier's limits and may grant
one person higher (or lower) limits until a date, with a reason; both are audited.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam
from sqlmodel import Session, col, select

from vigor_app import db
from vigor_app.clock import utcnow
from vigor_app.models import AiQuotaOverride, AiTierLimit, FitnessProfile, User
from vigor_app.services import audit
from vigor_app.services.accounts.roles import admin_fetch, require_admin
from vigor_app.services.ai import counters, snapshots
from vigor_app.services.ai.windows import UsageWindows, Window, usage_windows
from vigor_app.services.errors import NotFound, ValidationError
from vigor_app.services.vocabulary import TIER_FREE, TIER_PREMIUM, TIER_UNLIMITED, TIERS  # noqa: F401 (quotas.TIER_*)

MAX_LIMIT = 10_000_000
MAX_REASON = 200


@dataclass(frozen=True)
class TierLimits:
    daily: int
    weekly: int
    monthly: int
    monthly_budget_micros: int  # the per-person monthly budget (see budgets.py)


DEFAULT_TIER_LIMITS: dict[str, TierLimits] = {
    TIER_FREE: TierLimits(10, 50, 200, 5_000_000),
    TIER_PREMIUM: TierLimits(50, 300, 1000, 25_000_000),
    TIER_UNLIMITED: TierLimits(1000, 5000, 20000, 100_000_000),
}


@dataclass(frozen=True)
class Allowance:
    """What one person may use now: their tier's limits with any active override applied."""

    tier: str
    daily: int
    weekly: int
    monthly: int
    monthly_budget_micros: int
    override_reason: str | None = None
    override_expires_at: datetime | None = None

    def limit(self, kind: str) -> int:
        return {"day": self.daily, "week": self.weekly, "month": self.monthly}[kind]


@dataclass(frozen=True)
class QuotaTicket:
    """One unit taken from each window; give it back with ``release``."""

    keys: tuple[str, ...]


@dataclass(frozen=True)
class QuotaRefusal:
    window: str  # day | week | month: the first window that is used up
    limit: int
    tier: str


@dataclass(frozen=True)
class WindowUsage:
    kind: str
    key: str
    used: int
    limit: int
    resets_at: datetime

    @property
    def remaining(self) -> int:
        return max(self.limit - self.used, 0)


@dataclass(frozen=True)
class QuotaUsage:
    tier: str
    windows: tuple[WindowUsage, ...]
    override_reason: str | None
    override_expires_at: datetime | None


@dataclass(frozen=True)
class OverrideView:
    id: int
    user_id: int
    daily: int | None
    weekly: int | None
    monthly: int | None
    expires_at: datetime
    reason: str
    active: bool


def normal_tier(tier: str | None) -> str:
    return tier if tier in TIERS else TIER_FREE


_LIMITS_T = AiTierLimit.__table__  # type: ignore[attr-defined]  # SQLModel's types omit __table__
_OVERRIDES_T = AiQuotaOverride.__table__  # type: ignore[attr-defined]  # SQLModel's types omit __table__
_ALL_LIMITS = select(_LIMITS_T)
OVERRIDES = _OVERRIDES_T
ACTIVE_OVERRIDE_ON = (_OVERRIDES_T.c.revoked_at.is_(None),
                      _OVERRIDES_T.c.expires_at > bindparam("now"))  # and the person's id
NEWEST_OVERRIDE_FIRST = (_OVERRIDES_T.c.created_at.desc(), _OVERRIDES_T.c.id.desc())
_ACTIVE_OVERRIDE = (
    select(_OVERRIDES_T)
    .where(_OVERRIDES_T.c.user_id == bindparam("user_id"), *ACTIVE_OVERRIDE_ON)
    .order_by(*NEWEST_OVERRIDE_FIRST)
    .limit(1)
)


def _all_tier_limits(session: Session) -> dict[str, TierLimits]:
    found = dict(DEFAULT_TIER_LIMITS)
    for row in session.connection().execute(_ALL_LIMITS):
        if row.tier in found:
            found[row.tier] = TierLimits(row.daily, row.weekly, row.monthly, row.monthly_budget_micros)
    return found


_limits = snapshots.Snapshot(_all_tier_limits)


def tier_limits(session: Session, tier: str, *, fresh: bool = False) -> TierLimits:
    """A tier's limits: a snapshot at most ``snapshots.TTL_SECONDS`` old, or read now."""
    tier = normal_tier(tier)
    return (_all_tier_limits(session) if fresh else _limits.get(session))[tier]


def _active_override(session: Session, user_id: int, now: datetime) -> Any:
    return session.connection().execute(_ACTIVE_OVERRIDE, {"user_id": user_id, "now": now}).first()


def allowance(session: Session, user_id: int, tier: str | None, now: datetime) -> Allowance:
    return allowance_with(session, tier, _active_override(session, user_id, now))


def allowance_with(session: Session, tier: str | None, found: Any) -> Allowance:
    """The allowance of a person of `tier` whose active override is `found` (a row with
    daily, weekly, monthly, reason and expires_at, or None)."""
    tier = normal_tier(tier)
    limits = tier_limits(session, tier)
    if found is None or found.expires_at is None:
        return Allowance(tier, limits.daily, limits.weekly, limits.monthly,
                         limits.monthly_budget_micros)
    return Allowance(
        tier,
        limits.daily if found.daily is None else found.daily,
        limits.weekly if found.weekly is None else found.weekly,
        limits.monthly if found.monthly is None else found.monthly,
        limits.monthly_budget_micros,
        override_reason=found.reason, override_expires_at=found.expires_at,
    )


def quota_key(user_id: int, window: Window) -> str:
    return f"quota:{user_id}:{window.kind}:{window.key}"


def reserve(session: Session, user_id: int, allowed: Allowance, windows: UsageWindows,
            now: datetime) -> QuotaTicket | QuotaRefusal:
    """Take one request from the day, week and month together, or none if any is used up.

    Runs in the caller's transaction; its first statement is a write (see counters).
    """
    limits = {quota_key(user_id, w): allowed.limit(w.kind) for w in windows}
    refused = counters.take(session, limits, 1, now)
    if refused is None:
        return QuotaTicket(tuple(sorted(limits)))
    kind = next(w.kind for w in windows if quota_key(user_id, w) == refused)
    return QuotaRefusal(kind, allowed.limit(kind), allowed.tier)


def release(session: Session, ticket: QuotaTicket, now: datetime) -> None:
    counters.give_back(session, ticket.keys, 1, now)


def user_timezone(session: Session, user_id: int) -> str:
    tz = session.exec(select(FitnessProfile.timezone).where(FitnessProfile.user_id == user_id)).first()
    return tz or "UTC"


def usage(user_id: int, now: datetime | None = None) -> QuotaUsage:
    """How much of each window the person has used, their limits and when each resets."""
    now = now or utcnow()
    with db.read_only() as session:
        user = session.get(User, user_id)
        if user is None:
            raise NotFound("That account does not exist.")
        allowed = allowance(session, user_id, user.tier, now)
        windows = usage_windows(now, user_timezone(session, user_id))
        readings = counters.read(session, [quota_key(user_id, w) for w in windows])
    return QuotaUsage(
        tier=allowed.tier,
        windows=tuple(
            WindowUsage(w.kind, w.key, readings[quota_key(user_id, w)].used, allowed.limit(w.kind),
                        w.ends_at)
            for w in windows
        ),
        override_reason=allowed.override_reason, override_expires_at=allowed.override_expires_at,
    )


# --- administration ---------------------------------------------------------------------


def _check_limit(value: object, field: str, *, optional: bool = False) -> int | None:
    if value is None and optional:
        return None
    if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= MAX_LIMIT:
        raise ValidationError(f"Enter a whole number from 0 to {MAX_LIMIT:,}.", field=field)
    return value


def _check_tier(tier: str) -> str:
    if tier not in TIERS:
        raise ValidationError(f"Unknown tier {tier!r}.", field="tier")
    return tier


def check_tier_limits(tier: str, daily: object, weekly: object, monthly: object,
                      monthly_budget_micros: object) -> TierLimits:
    """A tier's limits, checked (ValidationError naming the field at fault)."""
    _check_tier(tier)
    return TierLimits(
        _check_limit(daily, "daily") or 0, _check_limit(weekly, "weekly") or 0,
        _check_limit(monthly, "monthly") or 0, _check_money(monthly_budget_micros),
    )


def list_tier_limits(actor_id: int) -> dict[str, TierLimits]:
    with db.read_only() as session:
        require_admin(session, actor_id)
        return {tier: tier_limits(session, tier, fresh=True) for tier in TIERS}


@snapshots.forgets
def set_tier_limits(actor_id: int, tier: str, *, daily: int, weekly: int, monthly: int,
                    monthly_budget_micros: int, client_ip: str = "") -> TierLimits:
    new = check_tier_limits(tier, daily, weekly, monthly, monthly_budget_micros)
    with db.transaction() as session:
        require_admin(session, actor_id)
        before = tier_limits(session, tier, fresh=True)
        row = session.get(AiTierLimit, tier) or AiTierLimit(tier=tier, daily=0, weekly=0, monthly=0,
                                                           monthly_budget_micros=0)
        row.daily, row.weekly, row.monthly = new.daily, new.weekly, new.monthly
        row.monthly_budget_micros, row.updated_at = new.monthly_budget_micros, utcnow()
        session.add(row)
        audit.record(session, actor_user_id=actor_id, action="ai.tier_limits", target_type="tier",
                     target_id=tier, before=before.__dict__, after=new.__dict__, client_ip=client_ip)
    return new


def _check_money(value: object) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise ValidationError("Enter an amount of zero or more.", field="monthly_budget")
    return value


def set_user_tier(actor_id: int, user_id: int, tier: str, *, client_ip: str = "") -> None:
    _check_tier(tier)
    with db.transaction() as session:
        user = admin_fetch(session, actor_id, User, user_id, "That account does not exist.")
        audit.change(session, user, "tier", tier, actor_user_id=actor_id, action="ai.user_tier",
                     target_type="user", target_id=user_id, client_ip=client_ip)


def _view(row: AiQuotaOverride, now: datetime) -> OverrideView:
    return OverrideView(row.id or 0, row.user_id, row.daily, row.weekly, row.monthly,
                        row.expires_at, row.reason,
                        active=row.revoked_at is None and row.expires_at > now)


def grant_override(actor_id: int, user_id: int, *, expires_at: datetime, reason: str,
                   daily: int | None = None, weekly: int | None = None,
                   monthly: int | None = None, client_ip: str = "",
                   now: datetime | None = None) -> OverrideView:
    """Give one person other limits until `expires_at` (None keeps the tier's limit)."""
    now = now or utcnow()
    values = {"daily": _check_limit(daily, "daily", optional=True),
              "weekly": _check_limit(weekly, "weekly", optional=True),
              "monthly": _check_limit(monthly, "monthly", optional=True)}
    if all(v is None for v in values.values()):
        raise ValidationError("Set at least one limit.", field="daily")
    if expires_at.tzinfo is None or expires_at <= now:
        raise ValidationError("Choose an expiry in the future.", field="expires_at")
    reason = " ".join((reason or "").split())
    if not 3 <= len(reason) <= MAX_REASON:
        raise ValidationError(f"Give a reason (3 to {MAX_REASON} characters).", field="reason")
    with db.transaction() as session:
        require_admin(session, actor_id)
        if session.get(User, user_id) is None:
            raise NotFound("That account does not exist.")
        row = AiQuotaOverride(user_id=user_id, daily=values["daily"], weekly=values["weekly"],
                              monthly=values["monthly"], expires_at=expires_at, reason=reason,
                              granted_by=actor_id, created_at=now)
        session.add(row)
        session.flush()
        audit.record(session, actor_user_id=actor_id, action="ai.quota_override",
                     target_type="user", target_id=user_id,
                     after={**values, "expires_at": expires_at.isoformat(), "reason": reason},
                     client_ip=client_ip, now=now)
        return _view(row, now)


def revoke_override(actor_id: int, override_id: int, *, client_ip: str = "",
                    now: datetime | None = None) -> None:
    now = now or utcnow()
    with db.transaction() as session:
        row = admin_fetch(session, actor_id, AiQuotaOverride, override_id, "That override does not exist.")
        if row.revoked_at is not None:
            return
        row.revoked_at = now
        session.add(row)
        audit.record(session, actor_user_id=actor_id, action="ai.quota_override_revoked",
                     target_type="user", target_id=row.user_id,
                     before={"override_id": override_id, "reason": row.reason},
                     client_ip=client_ip, now=now)


def list_overrides(actor_id: int, user_id: int | None = None,
                   now: datetime | None = None) -> list[OverrideView]:
    now = now or utcnow()
    with db.read_only() as session:
        require_admin(session, actor_id)
        query = select(AiQuotaOverride).order_by(col(AiQuotaOverride.created_at).desc())
        if user_id is not None:
            query = query.where(AiQuotaOverride.user_id == user_id)
        return [_view(row, now) for row in session.exec(query.limit(200)).all()]

