"""Which providers answer a request, in which order, and which rule said so.

Precedence, highest first (docs/admin.md, "Routing"):

1. a **switch** ("switch now"): the feature goes to one provider first, at once, until an admin
   switches it back;
2. a running **experiment**: the member's arm's provider first (members are assigned by a hash
   of the experiment and the member, so the same member always gets the same arm);
3. a **tier rule**: the feature's order for the member's tier (Premium plans to a stronger model);
4. the **feature's own order**;
5. the **global order**: every enabled provider by priority.

A switch or an experiment puts its provider in front of the order it overrides (rules 3 to 5),
which still stands behind it: a switched-to or experimental provider that fails does not leave
the member with the built-in engine while other providers are up. A rule whose providers are all
disabled or deleted does not apply: the next one does. The built-in engine is always last: the
gateway answers with it when every provider chosen here failed or was skipped. A budget's
downgrade then reorders the chosen providers cheapest first (budgets beat routing).

`load` reads the rules in the admission's transaction (a snapshot a moment old at most, dropped
at once when this process changes a rule: `snapshots`); `choose` is a pure function of them.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from sqlmodel import Session, col, select

from vigor_app.models import AiExperiment, AiRoute, AiSwitch
from vigor_app.services.ai import snapshots
from vigor_app.services.ai.providers import ProviderConfig

SWITCH, EXPERIMENT, TIER, FEATURE, GLOBAL = "switch", "experiment", "tier", "feature", "global"
PRECEDENCE = (SWITCH, EXPERIMENT, TIER, FEATURE, GLOBAL)
NONE = "none"  # recorded when no rule chose: the cache, a used-up quota or budget, no provider
RUNNING, STOPPED = "running", "stopped"
ARM_A, ARM_B = "a", "b"
BUCKETS = 10_000  # assignment resolution: a split is honoured to 0.01 %


@dataclass(frozen=True)
class Experiment:
    id: int
    provider_a: int | None
    provider_b: int | None
    split_a: int  # percent of members in arm A


@dataclass(frozen=True)
class Rules:
    """Every routing rule in force: orders by (feature, tier or None), switches and running
    experiments by feature."""

    orders: dict[tuple[str, str | None], tuple[int, ...]] = field(default_factory=dict)
    switches: dict[str, tuple[int, int]] = field(default_factory=dict)  # feature: (switch id, provider id)
    experiments: dict[str, Experiment] = field(default_factory=dict)


@dataclass(frozen=True)
class Route:
    providers: list[ProviderConfig]
    rule: str  # one of PRECEDENCE
    experiment_id: int | None = None
    arm: str | None = None


def _load(session: Session) -> Rules:
    orders = {(r.feature, r.tier): tuple(int(i) for i in r.provider_ids if isinstance(i, int))
              for r in session.exec(select(AiRoute)).all()}
    switches = {s.feature: (s.id or 0, s.provider_id) for s in session.exec(
        select(AiSwitch).where(col(AiSwitch.ended_at).is_(None)).order_by(col(AiSwitch.id))).all()
        if s.provider_id is not None}
    experiments = {e.feature: Experiment(e.id or 0, e.arm_a_provider_id, e.arm_b_provider_id, e.split_a)
                   for e in session.exec(select(AiExperiment).where(AiExperiment.status == RUNNING)
                                         .order_by(col(AiExperiment.id))).all()}
    return Rules(orders=orders, switches=switches, experiments=experiments)


_rules = snapshots.Snapshot(_load)


def load(session: Session) -> Rules:
    return _rules.get(session)


def arm_of(experiment_id: int, user_id: int, split_a: int) -> str:
    """The member's arm: the same for the same member and experiment, always; `split_a` percent
    of members in A. A hash, not a random draw: nothing is stored, and a new experiment
    shuffles members afresh."""
    digest = hashlib.sha256(f"vigor-experiment:{experiment_id}:{user_id}".encode()).digest()
    bucket = int.from_bytes(digest[:8], "big") % BUCKETS
    return ARM_A if bucket < split_a * BUCKETS // 100 else ARM_B


def _in_order(ids: Iterable[int | None], by_id: dict[int, ProviderConfig]) -> list[ProviderConfig]:
    seen: set[int] = set()
    found = []
    for provider_id in ids:
        if provider_id in by_id and provider_id not in seen:
            seen.add(provider_id)
            found.append(by_id[provider_id])
    return found


def _base(rules: Rules, feature: str, tier: str, enabled: Sequence[ProviderConfig],
          by_id: dict[int, ProviderConfig]) -> Route:
    """Rules 3 to 5: the tier's order, the feature's, or the global one."""
    for rule, key in ((TIER, (feature, tier)), (FEATURE, (feature, None))):
        found = _in_order(rules.orders.get(key, ()), by_id)
        if found:
            return Route(found, rule)
    return Route(list(enabled), GLOBAL)


def choose(rules: Rules, feature: str, tier: str, user_id: int, enabled: Sequence[ProviderConfig]) -> Route:
    """The providers for one request (`enabled`: every enabled provider, by priority)."""
    by_id = {p.id: p for p in enabled}
    base = _base(rules, feature, tier, enabled, by_id)
    switched = rules.switches.get(feature)
    if switched is not None and switched[1] in by_id:
        return Route(_in_order([switched[1], *(p.id for p in base.providers)], by_id), SWITCH)
    experiment = rules.experiments.get(feature)
    if experiment is not None:
        arm = arm_of(experiment.id, user_id, experiment.split_a)
        provider_id = experiment.provider_a if arm == ARM_A else experiment.provider_b
        if provider_id in by_id:
            return Route(_in_order([provider_id, *(p.id for p in base.providers)], by_id), EXPERIMENT,
                         experiment_id=experiment.id, arm=arm)
    return base
