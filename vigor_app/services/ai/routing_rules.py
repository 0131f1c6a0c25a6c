"""The admin side of routing: each feature's own provider order, its order per tier, and
"switch now" (and back). Every change is audited and applies at once (`snapshots`).

What the gateway does with them is in `routing` (precedence: switch, experiment, tier rule,
feature order, global order, then the built-in engine).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TypeVar

from sqlmodel import Session, col, select

from vigor_app import db
from vigor_app.clock import utcnow
from vigor_app.models import AiProvider, AiRoute, AiSwitch
from vigor_app.services import audit, vocabulary
from vigor_app.services.accounts.roles import require_admin
from vigor_app.services.ai import snapshots
from vigor_app.services.ai.inputs import FEATURES
from vigor_app.services.errors import NotFound, ValidationError
from vigor_app.services.text_rules import has_control_characters

T = TypeVar("T")
MAX_STEPS = 10
REASON_LIMIT = 200
DELETED_PROVIDER = "deleted provider"  # what a rule shows for a provider deleted since
FEATURE_LABELS = {"plan": "Plan generation", "chat": "Coach chat", "analysis": "Workout analysis",
                  "motivation": "Daily message"}


@dataclass(frozen=True)
class OrderView:
    feature: str
    tier: str | None  # None: the feature's own order
    provider_ids: list[int]
    provider_names: list[str]


@dataclass(frozen=True)
class SwitchView:
    id: int
    feature: str
    provider_id: int | None
    provider_name: str
    reason: str
    created_at: str


def check_feature(feature: str) -> str:
    if feature not in FEATURES:
        raise ValidationError("Pick one of the AI features: " + ", ".join(FEATURES) + ".", field="feature")
    return feature


def check_tier(tier: str | None) -> str | None:
    if tier is not None and tier not in vocabulary.TIERS:
        raise ValidationError("Pick one of the tiers: " + ", ".join(vocabulary.TIERS) + ".", field="tier")
    return tier


def provider_names(session: Session) -> dict[int, str]:
    return {r.id or 0: r.name for r in session.exec(select(AiProvider)).all()}


def check_steps(steps: Sequence[T]) -> list[T]:
    """An order's providers (ids, or names in an imported configuration): at most MAX_STEPS,
    each once."""
    found = list(steps)
    if len(found) > MAX_STEPS:
        raise ValidationError(f"An order names at most {MAX_STEPS} providers.", field="provider_ids")
    if len(set(found)) != len(found):
        raise ValidationError("Each provider comes once in an order.", field="provider_ids")
    return found


def check_reason(reason: str) -> str:
    """A switch's reason: at most REASON_LIMIT characters, on one line."""
    reason = (reason or "").strip()
    if len(reason) > REASON_LIMIT or has_control_characters(reason, multiline=False):
        raise ValidationError(f"Say why in at most {REASON_LIMIT} characters, on one line.", field="reason")
    return reason


def require_enabled(name: str, enabled: bool, field: str) -> None:
    """A switch or an experiment's arm names an enabled provider."""
    if not enabled:
        raise ValidationError(f"{name} is disabled: enable it first.", field=field)


def _check_providers(session: Session, provider_ids: Sequence[int]) -> list[int]:
    ids = check_steps(provider_ids)
    known = provider_names(session)
    for provider_id in ids:
        if not isinstance(provider_id, int) or isinstance(provider_id, bool) or provider_id not in known:
            raise NotFound("That provider does not exist.", field="provider_ids")
    return ids


def set_order(actor_id: int, feature: str, provider_ids: Sequence[int], *, tier: str | None = None,
              client_ip: str = "") -> OrderView | None:
    """The feature's own order (or its order for `tier`'s members); an empty order removes the
    rule (the next one applies: the feature's order, then the global one)."""
    check_feature(feature)
    check_tier(tier)
    with db.transaction() as session:
        require_admin(session, actor_id)
        ids = _check_providers(session, provider_ids)
        row = session.exec(select(AiRoute).where(AiRoute.feature == feature,
                                                 col(AiRoute.tier).is_not_distinct_from(tier))).first()
        before = list(row.provider_ids) if row is not None else []
        if before == ids:
            return _order_view(session, row) if row is not None else None
        target = f"{feature}/{tier}" if tier else feature
        audit.record(session, actor_user_id=actor_id, action="ai.route_changed", target_type="ai_route",
                     target_id=target, before={"provider_ids": before}, after={"provider_ids": ids},
                     client_ip=client_ip)
        if not ids:
            if row is not None:
                session.delete(row)
            result = None
        else:
            row = row or AiRoute(feature=feature, tier=tier)
            row.provider_ids, row.updated_by, row.updated_at = ids, actor_id, utcnow()
            session.add(row)
            session.flush()
            result = _order_view(session, row)
    snapshots.forget_all()
    return result


def _order_view(session: Session, row: AiRoute) -> OrderView:
    names = provider_names(session)
    ids = [i for i in row.provider_ids if i in names]  # a deleted provider drops out
    return OrderView(row.feature, row.tier, ids, [names[i] for i in ids])


def orders(actor_id: int) -> list[OrderView]:
    with db.read_only() as session:
        require_admin(session, actor_id)
        rows = session.exec(select(AiRoute).order_by(col(AiRoute.feature), col(AiRoute.tier))).all()
        return [_order_view(session, r) for r in rows]


def _active_switch(session: Session, feature: str) -> AiSwitch | None:
    return session.exec(select(AiSwitch).where(AiSwitch.feature == feature, col(AiSwitch.ended_at).is_(None))
                        .with_for_update()).first()


def switch_now(actor_id: int, feature: str, provider_id: int, *, reason: str = "",
               client_ip: str = "") -> SwitchView:
    """Send `feature` to `provider_id` first, from the next request on (replacing a switch in
    force), until `switch_back`."""
    check_feature(feature)
    reason = check_reason(reason)
    now = utcnow()
    with db.transaction() as session:
        require_admin(session, actor_id)
        provider = session.get(AiProvider, provider_id) if isinstance(provider_id, int) else None
        if provider is None:
            raise NotFound("That provider does not exist.", field="provider_id")
        require_enabled(provider.name, provider.enabled, "provider_id")
        old = _active_switch(session, feature)
        if old is not None:
            old.ended_at = now
            session.add(old)
        row = AiSwitch(feature=feature, provider_id=provider_id, reason=reason, created_by=actor_id, created_at=now)
        session.add(row)
        session.flush()
        audit.record(session, actor_user_id=actor_id, action="ai.switched", target_type="ai_feature",
                     target_id=feature, before={"provider_id": old.provider_id if old else None},
                     after={"provider_id": provider_id, "reason": reason}, client_ip=client_ip, now=now)
        view = SwitchView(row.id or 0, feature, provider_id, provider.name, reason, now.isoformat())
    snapshots.forget_all()
    return view


def switch_back(actor_id: int, feature: str, *, client_ip: str = "") -> bool:
    """End the switch in force for `feature` (False: there was none)."""
    check_feature(feature)
    now = utcnow()
    with db.transaction() as session:
        require_admin(session, actor_id)
        row = _active_switch(session, feature)
        if row is None:
            return False
        row.ended_at = now
        session.add(row)
        audit.record(session, actor_user_id=actor_id, action="ai.switched_back", target_type="ai_feature",
                     target_id=feature, before={"provider_id": row.provider_id}, after={"provider_id": None},
                     client_ip=client_ip, now=now)
    snapshots.forget_all()
    return True


def switches(actor_id: int) -> list[SwitchView]:
    """The switches in force, one per feature at most."""
    with db.read_only() as session:
        require_admin(session, actor_id)
        names = provider_names(session)
        rows = session.exec(select(AiSwitch).where(col(AiSwitch.ended_at).is_(None))
                            .order_by(col(AiSwitch.feature))).all()
        return [SwitchView(r.id or 0, r.feature, r.provider_id, names.get(r.provider_id or 0, DELETED_PROVIDER),
                           r.reason, r.created_at.isoformat()) for r in rows]


def provider_choices(actor_id: int) -> list[tuple[int, str]]:
    """The enabled providers (id, name) by priority: what an order, a switch or an arm can name."""
    with db.read_only() as session:
        require_admin(session, actor_id)
        rows = session.exec(select(AiProvider).where(col(AiProvider.enabled).is_(True))
                            .order_by(col(AiProvider.priority), col(AiProvider.id))).all()
        return [(r.id or 0, r.name) for r in rows]
