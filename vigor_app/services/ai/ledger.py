"""The gateway's books: one transaction to admit a request, one to reserve a call, one to
settle it. Every database write of an AI request happens here, in worker threads.

- ``admit``: who asks and their allowance, the providers, circuits and budgets; take one
  quota unit; look in the cache; decide on the budget; reserve the first provider's call
  when its circuit is closed. One transaction, so a request usually costs two: this one and
  ``settle``.
- ``reserve``: a later provider's call (or a retry after waiting for a budget): claim the
  half-open trial when needed, reserve the worst case, write the pending attempt row.
- ``settle``: how the call ended, its money (never more than reserved), the circuit (as the
  row is now: see circuit), the cache, the rows of any skips before it.
- ``finish_builtin``: the built-in engine answered: the quota unit goes back.

Lock order everywhere: circuit, then the attempt row, then counters (quota before spend).
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, bindparam, select

from vigor_app import db
from vigor_app.models import FitnessProfile, User
from vigor_app.observability import ai_gateway as observed
from vigor_app.services import vocabulary
from vigor_app.services.ai import (
    attempts,
    budgets,
    cache,
    circuit,
    counters,
    crypto,
    outcomes,
    pricing,
    prompts,
    providers,
    quotas,
    routing,
)
from vigor_app.services.ai.calls import Result
from vigor_app.services.ai.outcomes import BUILTIN_ENGINE
from vigor_app.services.ai.providers import ProviderConfig
from vigor_app.services.ai.windows import usage_windows
from vigor_app.services.errors import NotFound
from vigor_app.settings import get_settings

log = logging.getLogger("vigor_app.services.ai.gateway")  # one logger for a request's lines


@dataclass(frozen=True)
class AttemptSummary:
    provider: str
    outcome: str
    latency_s: float = 0.0
    cost_micros: int = 0
    error_class: str = ""


@dataclass
class Admission:
    providers: list[ProviderConfig] = field(default_factory=list)
    circuits: dict[int, circuit.CircuitState] = field(default_factory=dict)
    budget_states: list[budgets.Budget] = field(default_factory=list)
    budget_settings: budgets.BudgetSettings = field(default_factory=budgets.BudgetSettings)
    ticket: quotas.QuotaTicket | None = None
    refusal: quotas.QuotaRefusal | None = None
    cached: cache.CachedAnswer | None = None
    tier: str = vocabulary.TIER_FREE
    rules: routing.Rules = field(default_factory=routing.Rules)


@dataclass
class Flow:
    """One request's progress: its id, the rows waiting to be written, what happened."""

    user_id: int
    feature: str
    cache_key: str
    now: datetime
    id: str = field(default_factory=lambda: uuid.uuid4().hex)
    decision: budgets.Decision = field(default_factory=lambda: budgets.Decision(outcomes.DECISION_OK))
    pending: list[dict[str, Any]] = field(default_factory=list)  # rows for the next transaction
    summaries: list[AttemptSummary] = field(default_factory=list)
    calls: int = 0
    budget_skips: list[str] = field(default_factory=list)  # refusing counter keys
    admission: Admission = field(default_factory=Admission)
    candidates: list[ProviderConfig] = field(default_factory=list)  # in the order to try
    prepared: Call | None = None  # the first candidate's reservation, made during admission
    route: routing.Route | None = None  # which rule chose the candidates

    def row(self, created_at: datetime, outcome: str, **values: Any) -> dict[str, Any]:
        route = self.route
        chosen = {"route": routing.NONE} if route is None else {
            "route": route.rule, "experiment_id": route.experiment_id, "arm": route.arm}
        return attempts.row(created_at=created_at, request_id=self.id, user_id=self.user_id,
                            feature=self.feature, outcome=outcome,
                            budget_decision=self.decision.kind, **chosen, **values)

    def builtin_reason(self) -> str:
        if self.calls:
            return outcomes.REASON_ALL_FAILED
        if self.budget_skips:
            return outcomes.REASON_BUDGET
        return outcomes.REASON_NO_PROVIDER

    @property
    def cost_micros(self) -> int:
        return sum(s.cost_micros for s in self.summaries)


@dataclass
class Call:
    """An attempt whose money is reserved and whose row exists (outcome pending)."""

    provider: ProviderConfig
    attempt_id: int
    reserved: int
    keys: tuple[str, ...]
    input_estimate: int
    max_out: int  # the output tokens asked for (fewer than usual near a budget's limit)


class Refused(Exception):
    """Raised inside a reservation transaction to roll it back."""

    def __init__(self, outcome: str, key: str = "", *, settling: bool = False) -> None:
        super().__init__(outcome)
        self.outcome = outcome
        self.key = key
        self.settling = settling  # calls in flight hold the room: worth waiting for


_USERS = User.__table__  # type: ignore[attr-defined]  # SQLModel's types omit __table__
_PROFILES = FitnessProfile.__table__  # type: ignore[attr-defined]  # SQLModel's types omit __table__
_OVERRIDE = quotas.OVERRIDES
# Who asks, their time zone and their newest active quota override, in one round trip.
_PERSON = (
    select(_USERS.c.tier, _USERS.c.is_active, _PROFILES.c.timezone, _OVERRIDE.c.daily,
           _OVERRIDE.c.weekly, _OVERRIDE.c.monthly, _OVERRIDE.c.reason, _OVERRIDE.c.expires_at)
    .select_from(_USERS.outerjoin(_PROFILES, _PROFILES.c.user_id == _USERS.c.id)
                 .outerjoin(_OVERRIDE, and_(_OVERRIDE.c.user_id == _USERS.c.id,
                                            *quotas.ACTIVE_OVERRIDE_ON)))
    .where(_USERS.c.id == bindparam("user_id"))
    .order_by(*quotas.NEWEST_OVERRIDE_FIRST)
    .limit(1)
)


class Ledger:
    """The database side of the gateway, with the gateway's clock."""

    def __init__(self, clock: Callable[[], datetime]) -> None:
        self.clock = clock

    @staticmethod
    def cooldown() -> timedelta:
        return timedelta(seconds=get_settings().ai_circuit_cooldown_seconds)

    def callable_now(self, flow: Flow, provider: ProviderConfig) -> str:
        """circuit.CALL, TRIAL or REJECT for `provider` as admission saw it."""
        state = flow.admission.circuits.get(provider.id, circuit.CircuitState())
        now = self.clock()
        if state.resting(now):
            return circuit.REJECT
        return circuit.admission(state, now, self.cooldown())

    # -- admission ---------------------------------------------------------------------

    def admit(self, flow: Flow, messages: list[dict[str, str]],
              order: Callable[[Flow, list[dict[str, str]]], list[ProviderConfig]]) -> Admission:
        """Who asks, their allowance, the providers and budgets; take one quota unit; look in
        the cache; decide on the budget; reserve for the first provider when its circuit is
        closed. One transaction (reads first, then conditional updates)."""
        now = flow.now
        with db.transaction() as session:
            person = session.connection().execute(_PERSON, {"user_id": flow.user_id,
                                                            "now": now}).first()
            if person is None or not person.is_active:
                raise NotFound("That account does not exist.")
            allowed = quotas.allowance_with(session, person.tier, person)
            configs = providers.enabled_configs(session)
            admission = Admission(providers=configs, tier=allowed.tier,
                                  circuits=circuit.load_states(session, [p.id for p in configs]),
                                  budget_settings=budgets.load_settings(session),
                                  rules=routing.load(session) if configs else routing.Rules())
            flow.admission = admission
            if not configs:  # nothing to spend or protect: the built-in engine is the engine
                attempts.add(session, [self.final_builtin_row(flow, outcomes.REASON_NO_PROVIDER)])
                return admission
            windows = usage_windows(now, person.timezone or "UTC")
            taken = quotas.reserve(session, flow.user_id, allowed, windows, now)
            if isinstance(taken, quotas.QuotaRefusal):
                admission.refusal = taken
                attempts.add(session, [self.final_builtin_row(flow, outcomes.REASON_QUOTA)])
                return admission
            ttl = get_settings().ai_cache_ttl_seconds
            # While an experiment runs on the feature its arms answer afresh: an answer from the
            # cache would be counted for no arm (and may be an arm's answer from before).
            tested = flow.feature in admission.rules.experiments
            cached = cache.lookup(session, flow.cache_key, now) if ttl and not tested else None
            if cached is not None:
                quotas.release(session, taken, now)
                admission.cached = cached
                attempts.add(session, [flow.row(now, outcomes.CACHED, provider_name=cached.engine,
                                                cache_hit=True, final=True, engine=cached.engine,
                                                settled_at=now)])
                return admission
            admission.ticket = taken
            keys = budgets.spend_keys(flow.user_id, now, windows)
            readings = counters.read(session, keys.values())
            admission.budget_states = budgets.budgets_for(admission.budget_settings, allowed, keys,
                                                          readings)
            flow.decision = budgets.decide(admission.budget_states, admission.budget_settings, now)
            if flow.decision.kind == outcomes.DECISION_DENY:
                return admission
            flow.candidates = order(flow, messages)
            first = flow.candidates[0]
            if not first.key_error and self.callable_now(flow, first) == circuit.CALL:
                prepared = self._reserve_in(session, flow, first, messages, now)
                if isinstance(prepared, Call):
                    flow.prepared = prepared
        return admission

    # -- a call ------------------------------------------------------------------------

    def reserve(self, flow: Flow, provider: ProviderConfig, messages: list[dict[str, str]],
                trial: bool) -> Call:
        """Reserve a call's worst case (claiming the half-open trial first when `trial`);
        raises Refused, with nothing written, when it cannot be made now."""
        now = self.clock()
        with db.transaction() as session:
            if trial and not circuit.claim_trial(session, provider.id, now, self.cooldown()):
                raise Refused(outcomes.CIRCUIT_OPEN)
            reserved = self._reserve_in(session, flow, provider, messages, now)
            if not isinstance(reserved, Call):
                raise Refused(outcomes.SKIPPED, reserved.refused or "", settling=reserved.settling)
        flow.pending = []
        return reserved

    def _reserve_in(self, session: Any, flow: Flow, provider: ProviderConfig,
                    messages: list[dict[str, str]], now: datetime) -> Call | budgets.Reservation:
        """Reserve the call's worst case and write its pending row (and any skips before it),
        in the caller's transaction. Returns the call, or the refused reservation."""
        estimate = prompts.estimate_input_tokens(messages)
        max_out = prompts.output_tokens(flow.feature, provider.max_output_tokens)
        least = prompts.least_output_tokens(flow.feature, max_out)
        prices = provider.input_price_micros, provider.output_price_micros
        amount = pricing.worst_case_micros(estimate, max_out, *prices)
        reservation = budgets.reserve(session, flow.admission.budget_states, provider.id,
                                      provider.daily_cap_micros, amount, now,
                                      smallest=pricing.worst_case_micros(estimate, least, *prices))
        if reservation.refused is not None:
            return reservation
        if reservation.amount < amount:  # near a limit: ask for what the room pays for
            max_out = max(least, min(max_out, pricing.output_tokens_within(
                reservation.amount, estimate, *prices)))
        attempts.add(session, flow.pending)  # earlier skips first: ids follow events
        attempt_id = attempts.add_one(session, flow.row(
            now, outcomes.PENDING, provider_id=provider.id, provider_name=provider.name,
            model=provider.model, input_price_micros=provider.input_price_micros,
            output_price_micros=provider.output_price_micros, reserved_micros=reservation.amount,
            reservation_keys=list(reservation.keys)))
        return Call(provider, attempt_id, reservation.amount, reservation.keys, estimate, max_out)

    def settle(self, flow: Flow, call: Call, result: Result, *, final: bool | None = None,
               cacheable: bool = True) -> None:
        """Record how the call ended, settle its money, update the circuit; cache a good answer."""
        now = self.clock()
        provider = call.provider
        ok = result.outcome == outcomes.OK
        final = ok if final is None else final
        cost = min(call.reserved, pricing.cost_micros(
            result.input_tokens, result.output_tokens, provider.input_price_micros,
            provider.output_price_micros))
        message = crypto.redact(result.error_message, provider.secret)[:300]
        try:
            self._write_settlement(flow, call, result, final, cost, message, now,
                                   cacheable=cacheable)
        except Exception:  # noqa: BLE001 - the answer stands; the reservation is released later
            log.exception("AI %s %s: could not record the call to %s", flow.feature, flow.id[:8],
                          provider.name)
        flow.summaries.append(AttemptSummary(provider.name, result.outcome, result.latency_s, cost,
                                             result.error_class))
        observed.attempt_ended(request_id=flow.id, feature=flow.feature, provider=provider.name,
                               model=provider.model, outcome=result.outcome,
                               failed=result.outcome in outcomes.FAILURES,
                               latency_s=result.latency_s, input_tokens=result.input_tokens,
                               output_tokens=result.output_tokens, cost_micros=cost,
                               error_class=result.error_class)
        if log.isEnabledFor(logging.INFO):
            log.log(logging.INFO if ok else logging.WARNING,
                    "AI %s %s: %s %s in %.0f ms, %d+%d tokens, %s%s", flow.feature, flow.id[:8],
                    provider.name, result.outcome, result.latency_s * 1000, result.input_tokens,
                    result.output_tokens, pricing.format_usd(cost),
                    f" ({result.error_class}: {message})" if result.error_class else "")

    def _write_settlement(self, flow: Flow, call: Call, result: Result, final: bool, cost: int,
                          message: str, now: datetime, *, cacheable: bool) -> None:
        provider = call.provider
        ok = result.outcome == outcomes.OK
        settings = get_settings()
        with db.transaction() as session:
            # Against the circuit row as it is now, whatever admission saw (see circuit).
            if ok:
                circuit.record_success(session, provider.id, now)
            elif result.outcome in outcomes.FAILURES:
                circuit.record_failure(session, provider.id, now, settings.ai_circuit_failures,
                                       result.error_class, retry_after=result.retry_after)
            attempts.finish(
                session, call.attempt_id, input_tokens=result.input_tokens,
                output_tokens=result.output_tokens, usage_estimated=result.usage_estimated,
                reported_input_tokens=result.reported_input,
                reported_output_tokens=result.reported_output,
                cost_micros=cost, latency_ms=round(result.latency_s * 1000), outcome=result.outcome,
                error_class=result.error_class[:64], error_message=message, settled_at=now,
                final=final, engine=provider.name if final else None)
            budgets.settle(session, call.keys, call.reserved, cost, now)
            if ok and final and cacheable and settings.ai_cache_ttl_seconds:
                cache.store(session, flow.cache_key, user_id=flow.user_id, feature=flow.feature,
                            engine=provider.name, answer=result.value, now=now,
                            ttl=timedelta(seconds=settings.ai_cache_ttl_seconds))
            attempts.add(session, flow.pending)
        flow.pending = []

    # -- skips and the built-in answer -------------------------------------------------

    def skip(self, flow: Flow, provider: ProviderConfig, outcome: str, error_class: str,
             message: str) -> None:
        """A provider not called: its row waits for the request's next transaction."""
        now = self.clock()
        flow.pending.append(flow.row(
            now, outcome, provider_id=provider.id, provider_name=provider.name, model=provider.model,
            error_class=error_class, error_message=message[:300], settled_at=now))
        flow.summaries.append(AttemptSummary(provider.name, outcome, error_class=error_class))
        observed.attempt_skipped(request_id=flow.id, feature=flow.feature, provider=provider.name,
                                 model=provider.model, outcome=outcome, error_class=error_class)
        log.info("AI %s %s: %s %s (%s)", flow.feature, flow.id[:8], provider.name, outcome, error_class)

    def final_builtin_row(self, flow: Flow, reason: str) -> dict[str, Any]:
        now = self.clock()
        return flow.row(now, outcomes.BUILTIN, provider_name=BUILTIN_ENGINE, final=True,
                        engine=BUILTIN_ENGINE, builtin_reason=reason, settled_at=now)

    def finish_builtin(self, flow: Flow, reason: str) -> None:
        """The built-in engine answers: give the quota unit back, write the pending rows."""
        now = self.clock()
        with db.transaction() as session:
            if flow.admission.ticket is not None:  # no AI answer: the quota unit goes back
                quotas.release(session, flow.admission.ticket, now)
            attempts.add(session, [*flow.pending, self.final_builtin_row(flow, reason)])
        flow.admission.ticket = None
        flow.pending = []
