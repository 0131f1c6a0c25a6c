"""A/B tests between two providers for one AI feature: start, compare, stop, promote.

Members are assigned stably (`routing.arm_of`: a hash of the experiment and the member), and
every attempt of a request an experiment routed carries the experiment and the arm
(`ai_attempts.experiment_id`, `.arm`), so the comparison reads what happened, not a guess:

- requests and members per arm;
- first-time validity: of the requests whose first call went to the arm's provider, the share
  it answered well at once (a plan that passed every rule without a repair turn; a reply that
  streamed through). A refused plan, an error or a timeout counts against it;
- latency p50/p95 of the arm's provider's calls, and cost per request (every attempt of the
  request, fallbacks included);
- served by the arm: the share of requests its provider answered (the rest fell back);
- member feedback: the thumbs up and down members gave what the arm's requests produced.

Each figure comes with the count it is computed from. Stopping keeps the figures; promoting
the winner stops the test and puts the winner first in the feature's own order.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from vigor_app import db
from vigor_app.clock import utcnow
from vigor_app.models import AiAttempt, AiExperiment, AiFeedback, AiProvider, AiRoute
from vigor_app.services import audit
from vigor_app.services.accounts.roles import require_admin
from vigor_app.services.ai import outcomes, snapshots
from vigor_app.services.ai.routing import ARM_A, ARM_B, RUNNING, STOPPED
from vigor_app.services.ai.routing_rules import (
    DELETED_PROVIDER,
    check_feature,
    provider_names,
    require_enabled,
)
from vigor_app.services.errors import NotFound, ValidationError
from vigor_app.services.text_rules import has_control_characters

NAME_LIMIT = 80
CALLED = frozenset({outcomes.OK, outcomes.ERROR, outcomes.RATE_LIMITED, outcomes.TIMEOUT, outcomes.INVALID,
                    outcomes.INTERRUPTED, outcomes.ABANDONED})


@dataclass(frozen=True)
class ExperimentView:
    id: int
    name: str
    feature: str
    provider_a: str
    provider_b: str
    split_a: int
    status: str
    winner: str | None
    created_at: str
    stopped_at: str | None


@dataclass
class ArmFigures:
    arm: str
    provider: str
    requests: int = 0
    members: int = 0
    first_calls: int = 0  # requests whose first call went to the arm's provider
    first_time_ok: int = 0
    calls: int = 0  # every call to the arm's provider (for latency)
    latency_p50_ms: int | None = None
    latency_p95_ms: int | None = None
    cost_micros: int = 0
    served: int = 0  # requests the arm's provider answered
    helped: int = 0  # members' votes on what the arm's requests produced
    not_helped: int = 0

    @property
    def validity_rate(self) -> float | None:
        return self.first_time_ok / self.first_calls if self.first_calls else None

    @property
    def helped_share(self) -> float | None:
        votes = self.helped + self.not_helped
        return self.helped / votes if votes else None

    @property
    def cost_per_request_micros(self) -> int | None:
        return round(self.cost_micros / self.requests) if self.requests else None


def check_name(name: str) -> str:
    name = (name or "").strip()
    if not name or len(name) > NAME_LIMIT or has_control_characters(name, multiline=False):
        raise ValidationError(f"Name the experiment in 1 to {NAME_LIMIT} characters.", field="name")
    return name


def check_split(split_a: Any) -> int:
    if not isinstance(split_a, int) or isinstance(split_a, bool) or not 1 <= split_a <= 99:
        raise ValidationError("Put 1 to 99 percent of members in arm A.", field="split_a")
    return split_a


def check_arms(provider_a: Any, provider_b: Any) -> None:
    if provider_a == provider_b:
        raise ValidationError("Pick two different providers.", field="provider_b")


def _enabled_provider(session: Session, provider_id: Any, field_name: str) -> AiProvider:
    row = session.get(AiProvider, provider_id) if isinstance(provider_id, int) else None
    if row is None:
        raise NotFound("That provider does not exist.", field=field_name)
    require_enabled(row.name, row.enabled, field_name)
    return row


def _view(row: AiExperiment, names: dict[int, str]) -> ExperimentView:
    def name(provider_id: int | None) -> str:
        return names.get(provider_id or 0, DELETED_PROVIDER)
    return ExperimentView(row.id or 0, row.name, row.feature, name(row.arm_a_provider_id),
                          name(row.arm_b_provider_id), row.split_a, row.status, row.winner,
                          row.created_at.isoformat(), row.stopped_at.isoformat() if row.stopped_at else None)


def start(actor_id: int, *, name: str, feature: str, provider_a: int, provider_b: int, split_a: int = 50,
          client_ip: str = "") -> ExperimentView:
    """Start testing `provider_a` against `provider_b` on `feature`, `split_a` percent of
    members in A. One experiment runs per feature at a time."""
    name = check_name(name)
    check_feature(feature)
    check_split(split_a)
    check_arms(provider_a, provider_b)
    with db.transaction() as session:
        require_admin(session, actor_id)
        _enabled_provider(session, provider_a, "provider_a")
        _enabled_provider(session, provider_b, "provider_b")
        running = session.exec(select(AiExperiment).where(AiExperiment.feature == feature,
                                                          AiExperiment.status == RUNNING)).first()
        if running is not None:
            raise ValidationError(f"“{running.name}” is already running on this feature: stop it first.",
                                  field="feature")
        row = AiExperiment(name=name, feature=feature, arm_a_provider_id=provider_a, arm_b_provider_id=provider_b,
                           split_a=split_a, created_by=actor_id, created_at=utcnow())
        session.add(row)
        session.flush()
        audit.record(session, actor_user_id=actor_id, action="ai.experiment_started", target_type="ai_experiment",
                     target_id=row.id or 0, after={"name": name, "feature": feature, "provider_a": provider_a,
                                                   "provider_b": provider_b, "split_a": split_a},
                     client_ip=client_ip)
        view = _view(row, provider_names(session))
    snapshots.forget_all()
    return view


def _row(session: Session, experiment_id: Any) -> AiExperiment:
    row = session.get(AiExperiment, experiment_id) if isinstance(experiment_id, int) else None
    if row is None:
        raise NotFound("That experiment does not exist.")
    return row


def _stop(session: Session, row: AiExperiment, actor_id: int, client_ip: str) -> None:
    row.status, row.stopped_at = STOPPED, utcnow()
    session.add(row)
    audit.record(session, actor_user_id=actor_id, action="ai.experiment_stopped", target_type="ai_experiment",
                 target_id=row.id or 0, before={"status": RUNNING}, after={"status": STOPPED},
                 client_ip=client_ip)


def stop(actor_id: int, experiment_id: int, *, client_ip: str = "") -> ExperimentView:
    with db.transaction() as session:
        require_admin(session, actor_id)
        row = _row(session, experiment_id)
        if row.status == RUNNING:
            _stop(session, row, actor_id, client_ip)
        view = _view(row, provider_names(session))
    snapshots.forget_all()
    return view


def promote(actor_id: int, experiment_id: int, arm: str, *, client_ip: str = "") -> ExperimentView:
    """The winner: the test stops and the arm's provider goes first in the feature's own order
    (the order it had, or the global one, behind it)."""
    if arm not in (ARM_A, ARM_B):
        raise ValidationError("Promote arm a or arm b.", field="arm")
    with db.transaction() as session:
        require_admin(session, actor_id)
        row = _row(session, experiment_id)
        provider_id = row.arm_a_provider_id if arm == ARM_A else row.arm_b_provider_id
        if provider_id is None:
            raise ValidationError("That arm's provider was deleted: there is nothing to promote.", field="arm")
        if row.status == RUNNING:
            _stop(session, row, actor_id, client_ip)
        route = session.exec(select(AiRoute).where(AiRoute.feature == row.feature,
                                                   col(AiRoute.tier).is_(None))).first()
        if route is None:
            by_priority = session.exec(select(AiProvider).where(col(AiProvider.enabled).is_(True))
                                       .order_by(col(AiProvider.priority), col(AiProvider.id))).all()
            route = AiRoute(feature=row.feature, tier=None, provider_ids=[p.id for p in by_priority if p.id is not None])
        before = list(route.provider_ids)
        route.provider_ids = [provider_id, *(i for i in before if i != provider_id)][:10]
        route.updated_by, route.updated_at = actor_id, utcnow()
        row.winner = arm
        session.add(route)
        session.add(row)
        audit.record(session, actor_user_id=actor_id, action="ai.experiment_promoted", target_type="ai_experiment",
                     target_id=row.id or 0, before={"provider_ids": before},
                     after={"winner": arm, "provider_ids": route.provider_ids}, client_ip=client_ip)
        view = _view(row, provider_names(session))
    snapshots.forget_all()
    return view


def listed(actor_id: int) -> list[ExperimentView]:
    """Every experiment, running ones first, newest first."""
    with db.read_only() as session:
        require_admin(session, actor_id)
        names = provider_names(session)
        rows = session.exec(select(AiExperiment).order_by(col(AiExperiment.id).desc()).limit(50)).all()
        return sorted((_view(r, names) for r in rows), key=lambda v: v.status != RUNNING)


def percentile(values: list[int], share: float) -> int | None:
    """The nearest-rank percentile (`share` 0.5 for the median) of `values`, None when empty."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def compare(actor_id: int, experiment_id: int) -> list[ArmFigures]:
    """Both arms' figures, A then B (see the module's docstring)."""
    with db.read_only() as session:
        require_admin(session, actor_id)
        row = _row(session, experiment_id)
        names = provider_names(session)
        t = AiAttempt.__table__  # type: ignore[attr-defined]  # SQLModel's types omit __table__
        attempts: list[Any] = list(session.connection().execute(
            sa_select(t.c.request_id, t.c.user_id, t.c.arm, t.c.provider_id, t.c.outcome, t.c.latency_ms,
                      t.c.cost_micros, t.c.final).where(t.c.experiment_id == row.id).order_by(t.c.id)).all())
        routed = sa_select(t.c.request_id).where(t.c.experiment_id == row.id).distinct()
        votes: list[Any] = list(session.execute(
            sa_select(col(AiFeedback.request_id), col(AiFeedback.vote))
            .where(col(AiFeedback.request_id).in_(routed))).all())
    arms = {arm: (provider_id, ArmFigures(arm, names.get(provider_id or 0, DELETED_PROVIDER)))
            for arm, provider_id in ((ARM_A, row.arm_a_provider_id), (ARM_B, row.arm_b_provider_id))}
    requests: dict[tuple[str, str], list[Any]] = defaultdict(list)
    members: dict[str, set[int]] = defaultdict(set)
    latencies: dict[str, list[int]] = defaultdict(list)
    for attempt in attempts:
        if attempt.arm not in arms:
            continue
        requests[(attempt.arm, attempt.request_id)].append(attempt)
        if attempt.user_id is not None:
            members[attempt.arm].add(attempt.user_id)
    for (arm, _request), rows in requests.items():
        provider_id, figures = arms[arm]
        figures.requests += 1
        figures.cost_micros += sum(r.cost_micros for r in rows)
        called = [r for r in rows if r.outcome in CALLED]
        if called and called[0].provider_id == provider_id:
            figures.first_calls += 1
            figures.first_time_ok += called[0].outcome == outcomes.OK
        for r in called:
            if r.provider_id == provider_id:
                figures.calls += 1
                latencies[arm].append(r.latency_ms)
        figures.served += any(r.final and r.provider_id == provider_id and r.outcome == outcomes.OK for r in rows)
    arm_of_request = {request: arm for arm, request in requests}
    for request_id, vote in votes:
        if request_id in arm_of_request:
            voted = arms[arm_of_request[request_id]][1]
            voted.helped += vote > 0
            voted.not_helped += vote < 0
    for arm, (_provider_id, figures) in arms.items():
        figures.members = len(members[arm])
        figures.latency_p50_ms = percentile(latencies[arm], 0.5)
        figures.latency_p95_ms = percentile(latencies[arm], 0.95)
    return [arms[ARM_A][1], arms[ARM_B][1]]
