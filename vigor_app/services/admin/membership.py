"""Membership: what a tier gives, how much of it a person has used, and asking for more.

Usage windows (day, ISO week, month) are the AI gateway's own, in the person's time zone,
so the meters show exactly what the quota checks. An upgrade request goes to the admins;
approval goes through an `UpgradeApprover`, so a payment provider can take that step later.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from sqlmodel import Session, col, select

from vigor_app import db
from vigor_app.clock import utcnow
from vigor_app.models import AiAttempt, UpgradeRequest, User
from vigor_app.models import TierOffer as TierOfferRow
from vigor_app.models.membership import REQUEST_APPROVED, REQUEST_DECLINED, REQUEST_PENDING
from vigor_app.services import audit, vocabulary
from vigor_app.services.accounts.roles import admin_fetch, require_admin
from vigor_app.services.ai import counters, outcomes, quotas
from vigor_app.services.ai.budgets import USER_MONTH, spend_keys
from vigor_app.services.ai.windows import usage_windows
from vigor_app.services.errors import NotFound, ValidationError

HEADS_UP_PERCENT = 80
TIER_UNLOCKS = {
    vocabulary.TIER_FREE: "The AI coach and AI-written plans within everyday limits; the built-in coach always.",
    vocabulary.TIER_PREMIUM: "Five times the AI requests and budget: a coach for every session.",
    vocabulary.TIER_UNLIMITED: "The highest limits, for people who talk to their coach all day.",
}
REASON_TEXT = {
    outcomes.REASON_QUOTA: "your request limit was reached",
    outcomes.REASON_BUDGET: "the AI budget was reached",
    outcomes.REASON_NO_PROVIDER: "no AI provider is available",
    outcomes.REASON_ALL_FAILED: "the AI providers did not answer",
    outcomes.REASON_UNAVAILABLE: "the AI service was unavailable",
}
FEATURE_TEXT = {"plan": "Plan", "chat": "Coach chat", "analysis": "Workout analysis", "motivation": "Daily message"}


@dataclass(frozen=True)
class Meter:
    window: str  # day | week | month
    used: int
    limit: int
    resets_at: datetime

    @property
    def percent(self) -> int:
        return 100 if self.limit <= 0 else min(100, round(100 * self.used / self.limit))


@dataclass(frozen=True)
class TierOffer:
    tier: str
    label: str
    daily: int
    weekly: int
    monthly: int
    monthly_budget_micros: int
    unlocks: str
    price: str = ""


@dataclass(frozen=True)
class RecentAnswer:
    at: datetime
    feature: str
    engine: str
    why: str  # empty when an AI provider answered


@dataclass(frozen=True)
class RequestView:
    id: int
    user_id: int
    username: str
    from_tier: str
    to_tier: str
    note: str
    status: str
    reason: str
    created_at: datetime
    decided_at: datetime | None


@dataclass(frozen=True)
class Membership:
    tier: str
    meters: list[Meter]
    spend_micros: int
    budget_micros: int
    override_reason: str | None
    offers: list[TierOffer]
    recent: list[RecentAnswer]
    requests: list[RequestView]

    @property
    def highest_percent(self) -> int:
        budget = 0 if self.budget_micros <= 0 else round(100 * self.spend_micros / self.budget_micros)
        return max([m.percent for m in self.meters] + [budget])


def _request_view(row: UpgradeRequest, username: str) -> RequestView:
    return RequestView(id=row.id or 0, user_id=row.user_id, username=username, from_tier=row.from_tier,
                       to_tier=row.to_tier, note=row.note, status=row.status, reason=row.reason,
                       created_at=row.created_at, decided_at=row.decided_at)


def overview(user_id: int, now: datetime | None = None) -> Membership:
    """Everything the Membership page shows, for the person asking."""
    now = now or utcnow()
    used = quotas.usage(user_id, now)
    with db.read_only() as session:
        user = session.get(User, user_id)
        if user is None:
            raise NotFound("That account does not exist.")
        allowed = quotas.allowance(session, user_id, user.tier, now)
        key = spend_keys(user_id, now, usage_windows(now, quotas.user_timezone(session, user_id)))[USER_MONTH]
        spend = counters.read(session, [key])[key]
        offers = _offers(session)
        finals = session.exec(
            select(AiAttempt).where(AiAttempt.user_id == user_id, AiAttempt.final)
            .order_by(col(AiAttempt.created_at).desc()).limit(8)).all()
        requests = session.exec(select(UpgradeRequest).where(UpgradeRequest.user_id == user_id)
                                .order_by(col(UpgradeRequest.created_at).desc()).limit(5)).all()
        return Membership(
            tier=used.tier,
            meters=[Meter(w.kind, w.used, w.limit, w.resets_at) for w in used.windows],
            spend_micros=spend.used + spend.reserved,
            budget_micros=allowed.monthly_budget_micros,
            override_reason=used.override_reason,
            offers=offers,
            recent=[RecentAnswer(at=a.created_at, feature=FEATURE_TEXT.get(a.feature, a.feature),
                                 engine="Built-in coach" if (a.engine or "") == outcomes.BUILTIN_ENGINE
                                 else (a.engine or a.provider_name),
                                 why=REASON_TEXT.get(a.builtin_reason or "", "")) for a in finals],
            requests=[_request_view(r, user.username) for r in requests],
        )


def _offers(session: Session) -> list[TierOffer]:
    priced = {row.tier: row for row in session.exec(select(TierOfferRow)).all()}
    return [TierOffer(tier, vocabulary.TIER_LABELS[tier], *_limits(session, tier),
                      unlocks=(priced[tier].unlocks if tier in priced and priced[tier].unlocks
                               else TIER_UNLOCKS[tier]),
                      price=priced[tier].price_text if tier in priced else "")
            for tier in vocabulary.TIERS]


def tier_offers() -> list[TierOffer]:
    """The tiers compared: limits, budget, what each unlocks and its price."""
    with db.read_only() as session:
        return _offers(session)


MY_REQUESTS_LIMIT = 100


def my_requests(user_id: int) -> list[RequestView]:
    """The person's upgrade requests, newest first (the Membership page shows the first five)."""
    with db.read_only() as session:
        user = session.get(User, user_id)
        if user is None:
            raise NotFound("That account does not exist.")
        rows = session.exec(select(UpgradeRequest).where(UpgradeRequest.user_id == user_id)
                            .order_by(col(UpgradeRequest.created_at).desc(), col(UpgradeRequest.id).desc())
                            .limit(MY_REQUESTS_LIMIT)).all()
        return [_request_view(r, user.username) for r in rows]


def my_request(user_id: int, request_id: int) -> RequestView:
    """One of the person's upgrade requests; another person's is "not found"."""
    with db.read_only() as session:
        row = session.get(UpgradeRequest, request_id)
        user = session.get(User, user_id)
        if row is None or user is None or row.user_id != user_id:
            raise NotFound("That request does not exist.")
        return _request_view(row, user.username)


def _limits(session: Session, tier: str) -> tuple[int, int, int, int]:
    limits = quotas.tier_limits(session, tier)
    return limits.daily, limits.weekly, limits.monthly, limits.monthly_budget_micros


def request_upgrade(user_id: int, to_tier: str, note: str = "", *, now: datetime | None = None) -> RequestView:
    """Ask for a higher tier (never a lower one this way); one pending request at a time."""
    if to_tier not in vocabulary.TIERS:
        raise ValidationError("Pick a tier from the list.", field="tier")
    note = (note or "").strip()
    if len(note) > 500:
        raise ValidationError("Keep the note under 500 characters.", field="note")
    now = now or utcnow()
    with db.transaction() as session:
        user = session.get(User, user_id)
        if user is None:
            raise NotFound("That account does not exist.")
        current = quotas.normal_tier(user.tier)
        if vocabulary.TIERS.index(to_tier) <= vocabulary.TIERS.index(current):
            raise ValidationError("You can only ask for a higher tier here.", field="tier")
        pending = session.exec(select(UpgradeRequest.id).where(UpgradeRequest.user_id == user_id,
                                                               UpgradeRequest.status == REQUEST_PENDING)).first()
        if pending is not None:
            raise ValidationError("You already have a request waiting for an answer.", field="tier")
        row = UpgradeRequest(user_id=user_id, from_tier=current, to_tier=to_tier, note=note, created_at=now)
        session.add(row)
        session.flush()
        audit.record(session, actor_user_id=user_id, action="membership.request", target_type="upgrade_request",
                     target_id=row.id or "", after={"from": current, "to": to_tier}, now=now)
        return _request_view(row, user.username)


class UpgradeApprover(Protocol):
    """The step that grants a tier. Today an admin's word; a payment provider later."""

    def grant(self, session: Session, user: User, tier: str) -> None: ...


class AdminApproval:
    def grant(self, session: Session, user: User, tier: str) -> None:
        user.tier = tier
        session.add(user)


def pending_requests(actor_id: int) -> list[RequestView]:
    with db.read_only() as session:
        require_admin(session, actor_id)
        rows = session.exec(select(UpgradeRequest, User.username).join(User, col(User.id) == col(UpgradeRequest.user_id))
                            .where(UpgradeRequest.status == REQUEST_PENDING)
                            .order_by(col(UpgradeRequest.created_at))).all()
        return [_request_view(r, name) for r, name in rows]


def _decide(actor_id: int, request_id: int, status: str, reason: str, approver: UpgradeApprover | None,
            client_ip: str, now: datetime | None) -> RequestView:
    reason = (reason or "").strip()
    if len(reason) > 500:
        raise ValidationError("Keep the reason under 500 characters.", field="reason")
    now = now or utcnow()
    with db.transaction() as session:
        row = admin_fetch(session, actor_id, UpgradeRequest, request_id, "That request does not exist.")
        if row.status != REQUEST_PENDING:
            raise ValidationError("That request has already been answered.")
        user = session.get(User, row.user_id)
        if user is None:
            raise NotFound("That account does not exist.")
        before = {"status": row.status, "tier": user.tier}
        if approver is not None:
            approver.grant(session, user, row.to_tier)
        row.status, row.reason, row.decided_by, row.decided_at = status, reason, actor_id, now
        session.add(row)
        audit.record(session, actor_user_id=actor_id, action=f"membership.{status}", target_type="upgrade_request",
                     target_id=request_id, before=before, after={"status": status, "tier": user.tier,
                                                                 "reason": reason},
                     client_ip=client_ip, now=now)
        return _request_view(row, user.username)


def approve(actor_id: int, request_id: int, *, reason: str = "", approver: UpgradeApprover | None = None,
            client_ip: str = "", now: datetime | None = None) -> RequestView:
    """Grant the requested tier at once."""
    return _decide(actor_id, request_id, REQUEST_APPROVED, reason, approver or AdminApproval(), client_ip, now)


def decline(actor_id: int, request_id: int, *, reason: str, client_ip: str = "",
            now: datetime | None = None) -> RequestView:
    if not (reason or "").strip():
        raise ValidationError("Say why, so the person knows.", field="reason")
    return _decide(actor_id, request_id, REQUEST_DECLINED, reason, None, client_ip, now)


def set_offer(actor_id: int, tier: str, *, price_text: str, unlocks: str, client_ip: str = "") -> None:
    """Admins set how a tier is presented: its price and what it unlocks."""
    if tier not in vocabulary.TIERS:
        raise ValidationError("Pick a tier from the list.", field="tier")
    price_text, unlocks = (price_text or "").strip(), (unlocks or "").strip()
    if len(price_text) > 60:
        raise ValidationError("Keep the price under 60 characters.", field="price_text")
    if len(unlocks) > 300:
        raise ValidationError("Keep the description under 300 characters.", field="unlocks")
    with db.transaction() as session:
        require_admin(session, actor_id)
        row = session.get(TierOfferRow, tier) or TierOfferRow(tier=tier)
        before = {"price_text": row.price_text, "unlocks": row.unlocks}
        row.price_text, row.unlocks, row.updated_at = price_text, unlocks, utcnow()
        session.add(row)
        audit.record(session, actor_user_id=actor_id, action="membership.offer", target_type="tier",
                     target_id=tier, before=before, after={"price_text": price_text, "unlocks": unlocks},
                     client_ip=client_ip)
