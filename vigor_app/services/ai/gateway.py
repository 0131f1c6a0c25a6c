"""The AI gateway: every AI call in Vigor goes through here, and always ends in an answer.

One request, in order (docs/ai.md has the operator's view):

1. Validate the input (typed ``ValidationError`` with a message for the person).
2. Take one request from the person's quota (day, ISO week, month; atomic). Used up: the
   built-in engine answers, with a plain notice.
3. Cache: the same request with the same context within the TTL is answered from cache
   (the quota unit is given back; no provider call, no spend).
4. Budget decision: ok, downgrade (cheapest provider first; off-peak, the admin's preferred one
   before it), or deny (built-in, notice).
5. Providers in order, skipping disabled ones, open circuits, and those whose daily cap or
   a hard budget cannot cover the call's worst case (reserved before the call, settled to
   the real cost after). Each call has a timeout; SDK retries are off: this loop is the
   only retry loop. Plans use structured output where the provider supports it, then
   parsing (one repair turn for unreadable JSON), then the same ``validate_plan`` as the
   built-in engine: anything invalid is a failure of that provider. Chat streams; it moves
   to the next provider only before the first token reaches the person.
6. Every attempt is recorded (``ai_attempts``) with tokens, exact cost, latency and outcome;
   the row of the engine that answered is marked ``final`` with the built-in's reason.

No database transaction is open while a provider is awaited; database work runs in worker
threads (``asyncio.to_thread``).
"""

from __future__ import annotations

import asyncio
import inspect
import logging
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping, Sequence
from contextlib import aclosing
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import httpx2
import openai
from sqlalchemy import bindparam, select

from vigor_app import db
from vigor_app.clock import utcnow
from vigor_app.models import FitnessProfile, User
from vigor_app.services.ai import (
    attempts,
    budgets,
    cache,
    circuit,
    clients,
    counters,
    crypto,
    outcomes,
    pricing,
    prompts,
    providers,
    quotas,
)
from vigor_app.services.ai.outcomes import BUILTIN_ENGINE
from vigor_app.services.ai.providers import AZURE_OPENAI, OPENAI, ProviderConfig
from vigor_app.services.ai.windows import usage_windows
from vigor_app.services.errors import NotFound, ValidationError, VigorError
from vigor_app.services.plans import engine
from vigor_app.services.plans.request import (
    PlanInputError,
    PlanInputs,
    PlanRequest,
    Profile,
    resolve_inputs,
)
from vigor_app.services.plans.validation import validate_plan
from vigor_app.settings import get_settings

log = logging.getLogger(__name__)

PLAN = "plan"
CHAT_FEATURES = ("chat", "analysis", "motivation")
FEATURES = (PLAN, *CHAT_FEATURES)
MAX_MESSAGE_CHARS = 1000
MAX_ASSISTANT_CHARS = 8000
MAX_HISTORY = 20
MAX_CONTEXT_CHARS = 8000
MAX_SEED = 2**31 - 1

BuiltinReply = Callable[[], str] | Callable[[], Awaitable[str]]


# --- what callers get -------------------------------------------------------------------


@dataclass(frozen=True)
class AttemptSummary:
    provider: str
    outcome: str
    latency_s: float = 0.0
    cost_micros: int = 0
    error_class: str = ""


@dataclass(frozen=True)
class PlanAnswer:
    plan: dict[str, Any]  # always passes validate_plan
    engine: str  # "builtin" or the provider's name
    notice: str | None  # for the person, when the built-in engine answered instead of the AI
    reason: str  # provider | cache | quota | budget | no_provider | all_failed | unavailable
    request_id: str = ""
    cost_micros: int = 0
    attempts: tuple[AttemptSummary, ...] = ()


@dataclass(frozen=True)
class ChatChunk:
    """A piece of the reply (``done`` False), or the last chunk, which says who answered."""

    text: str
    done: bool = False
    engine: str | None = None
    notice: str | None = None
    reason: str | None = None
    request_id: str | None = None
    attempts: tuple[AttemptSummary, ...] = ()


# --- inside one request -----------------------------------------------------------------


@dataclass
class _Admission:
    providers: list[ProviderConfig] = field(default_factory=list)
    circuits: dict[int, circuit.CircuitState] = field(default_factory=dict)
    budget_states: list[budgets.Budget] = field(default_factory=list)
    budget_settings: budgets.BudgetSettings = field(default_factory=budgets.BudgetSettings)
    ticket: quotas.QuotaTicket | None = None
    refusal: quotas.QuotaRefusal | None = None
    cached: cache.CachedAnswer | None = None
    tier: str = quotas.TIER_FREE


@dataclass
class _Flow:
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
    admission: _Admission = field(default_factory=_Admission)
    candidates: list[ProviderConfig] = field(default_factory=list)  # in the order to try
    prepared: _Call | None = None  # the first candidate's reservation, made during admission

    def row(self, created_at: datetime, outcome: str, **values: Any) -> dict[str, Any]:
        return attempts.row(created_at=created_at, request_id=self.id, user_id=self.user_id,
                            feature=self.feature, outcome=outcome,
                            budget_decision=self.decision.kind, **values)

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
class _Call:
    """An attempt whose money is reserved and whose row exists (outcome pending)."""

    provider: ProviderConfig
    attempt_id: int
    reserved: int
    keys: tuple[str, ...]
    input_estimate: int


@dataclass
class _Result:
    outcome: str
    text: str = ""
    value: Any = None
    input_tokens: int = 0
    output_tokens: int = 0
    usage_estimated: bool = False
    error_class: str = ""
    error_message: str = ""
    latency_s: float = 0.0
    unreadable: bool = False  # not JSON at all: worth one repair turn


class _Refused(Exception):
    """Raised inside a reservation transaction to roll it back."""

    def __init__(self, outcome: str, key: str = "") -> None:
        super().__init__(outcome)
        self.outcome = outcome
        self.key = key


# --- input ------------------------------------------------------------------------------


def _plan_input(profile: Any, request: Any, seed: Any) -> tuple[Profile, PlanRequest]:
    try:
        if not isinstance(profile, Profile):
            profile = Profile.from_dict(profile)
        if request is None:
            request = PlanRequest()
        elif not isinstance(request, PlanRequest):
            request = PlanRequest.from_dict(request)
    except PlanInputError as exc:
        raise ValidationError(f"{exc.key}: {exc.detail}", field=exc.key) from exc
    if not isinstance(seed, int) or isinstance(seed, bool) or not 0 <= seed <= MAX_SEED:
        raise ValidationError("The plan's seed must be a whole number.", field="seed")
    return profile, request


def _request_dict(request: PlanRequest) -> dict[str, Any]:
    return {"goals": list(request.goals) if request.goals is not None else None,
            "days_per_week": request.days_per_week, "session_minutes": request.session_minutes,
            "focus": list(request.focus), "intensity": request.intensity}


def _chat_input(feature: str, messages: Any, context: Any) -> tuple[list[dict[str, str]], str]:
    if feature not in CHAT_FEATURES:
        raise ValidationError("Vigor's coach cannot help with that here.", field="feature")
    if not isinstance(messages, Sequence) or isinstance(messages, str) or not messages:
        raise ValidationError("Write a message first.", field="message")
    cleaned: list[dict[str, str]] = []
    for message in list(messages)[-MAX_HISTORY:]:
        if not isinstance(message, Mapping) or message.get("role") not in ("user", "assistant") \
                or not isinstance(message.get("content"), str):
            raise ValidationError("That conversation could not be read. Start a new one.",
                                  field="message")
        text = message["content"].strip()
        if message["role"] == "user" and len(text) > MAX_MESSAGE_CHARS:
            raise ValidationError(f"Keep your message under {MAX_MESSAGE_CHARS} characters.",
                                  field="message")
        cleaned.append({"role": message["role"], "content": text[:MAX_ASSISTANT_CHARS]})
    if cleaned[-1]["role"] != "user" or not cleaned[-1]["content"]:
        raise ValidationError("Write a message first.", field="message")
    if not isinstance(context, str):
        raise ValidationError("The coach's context must be text.", field="context")
    return cleaned, context.strip()[:MAX_CONTEXT_CHARS]


# --- notices ----------------------------------------------------------------------------

_WINDOW_WORDS = {"day": ("today", "tomorrow"), "week": ("this week", "next week"),
                 "month": ("this month", "next month")}


def _notice(reason: str, feature: str, flow: _Flow) -> str | None:
    thing = "plan" if feature == PLAN else "reply"
    same_rules = ", which follows the same safety rules" if feature == PLAN else ""
    fallback = f"so this {thing} comes from Vigor's built-in coach{same_rules}."
    if reason == outcomes.REASON_QUOTA and flow.admission.refusal is not None:
        refusal = flow.admission.refusal
        now_word, back_word = _WINDOW_WORDS[refusal.window]
        tier = quotas.TIER_LABELS.get(refusal.tier, refusal.tier.title())
        return (f"You've used all {refusal.limit} AI requests for {now_word} on the {tier} plan, "
                f"{fallback} AI answers are back {back_word}.")
    if reason == outcomes.REASON_BUDGET:
        user_month = flow.decision.budget == budgets.USER_MONTH or any(
            key.startswith("spend:user:") for key in flow.budget_skips)
        if user_month:
            tier = quotas.TIER_LABELS.get(flow.admission.tier, flow.admission.tier.title())
            return (f"You've used this month's AI allowance on the {tier} plan, {fallback} "
                    "AI answers are back next month.")
        return f"Vigor's AI coach is paused for the moment, {fallback}"
    if reason == outcomes.REASON_NO_PROVIDER and not flow.admission.providers:
        return None  # no AI is configured: the built-in coach is simply the coach
    return f"Vigor's AI coach couldn't answer just now, {fallback}"


STREAM_CUT_NOTICE = ("The reply was cut off because the AI coach stopped responding. "
                     "Ask again to get the rest.")


# --- errors from providers --------------------------------------------------------------


def _classify(exc: BaseException) -> tuple[str, str]:
    if isinstance(exc, openai.APITimeoutError | TimeoutError | httpx2.TimeoutException):
        return outcomes.TIMEOUT, type(exc).__name__
    if isinstance(exc, openai.RateLimitError):
        return outcomes.RATE_LIMITED, type(exc).__name__
    return outcomes.ERROR, type(exc).__name__


def _failure(exc: BaseException, provider: ProviderConfig, started: float) -> _Result:
    outcome, error_class = _classify(exc)
    message = str(exc) or error_class
    if isinstance(exc, openai.APIStatusError):
        message = f"HTTP {exc.status_code}: {message}"
    return _Result(outcome, error_class=error_class,
                   error_message=crypto.redact(message, provider.secret)[:300],
                   latency_s=time.perf_counter() - started)


def _token_limit(provider: ProviderConfig, tokens: int) -> dict[str, int]:
    # OpenAI's newer models take max_completion_tokens; most compatible servers max_tokens.
    if provider.kind in (OPENAI, AZURE_OPENAI):
        return {"max_completion_tokens": tokens}
    return {"max_tokens": tokens}


# --- the gateway ------------------------------------------------------------------------


class Gateway:
    """The gateway, with its clock. ``generate_plan`` and ``stream_chat`` below use one made
    with the real clock; tests make their own to move time."""

    def __init__(self, *, clock: Callable[[], datetime] = utcnow) -> None:
        self.clock = clock

    # -- configuration -----------------------------------------------------------------

    @staticmethod
    def _cooldown() -> timedelta:
        return timedelta(seconds=get_settings().ai_circuit_cooldown_seconds)

    # -- plans -------------------------------------------------------------------------

    async def generate_plan(self, user_id: int, profile: Profile, request: PlanRequest | None,
                            seed: int) -> PlanAnswer:
        profile, request = _plan_input(profile, request, seed)
        inputs = resolve_inputs(profile, request)
        key = cache.cache_key(PLAN, user_id, {"profile": profile.to_dict(),
                                              "request": _request_dict(request), "seed": seed},
                              prompts.PROMPT_VERSION)
        flow = _Flow(user_id, PLAN, key, self.clock())

        # The built-in plan comes first: it is the draft the provider starts from, and the
        # answer whenever no provider gives a valid one.
        draft = await asyncio.to_thread(
            lambda: engine.generate_plan(profile, request, seed).to_dict())
        messages = prompts.plan_messages(inputs, draft)
        try:
            admission = await asyncio.to_thread(self._admit, flow, messages)
        except VigorError:
            raise
        except Exception:
            log.exception("AI gateway could not start request %s; the built-in engine answers", flow.id)
            return self._plan_answer(flow, draft, BUILTIN_ENGINE, outcomes.REASON_UNAVAILABLE)
        if admission.cached is not None:
            return self._plan_answer(flow, admission.cached.answer, admission.cached.engine,
                                     outcomes.REASON_CACHE)
        if admission.refusal is not None:
            return self._plan_answer(flow, draft, BUILTIN_ENGINE, outcomes.REASON_QUOTA)
        if not admission.providers:
            return self._plan_answer(flow, draft, BUILTIN_ENGINE, outcomes.REASON_NO_PROVIDER)
        if flow.decision.kind == outcomes.DECISION_DENY:
            await self._finish_builtin(flow, outcomes.REASON_BUDGET)
            return self._plan_answer(flow, draft, BUILTIN_ENGINE, outcomes.REASON_BUDGET)

        for provider in flow.candidates:
            plan = await self._plan_from(flow, provider, messages, profile, request, inputs, seed)
            if plan is not None:
                return self._plan_answer(flow, plan, provider.name, outcomes.REASON_PROVIDER)
        reason = flow.builtin_reason()
        await self._finish_builtin(flow, reason)
        return self._plan_answer(flow, draft, BUILTIN_ENGINE, reason)

    def _plan_answer(self, flow: _Flow, plan: dict[str, Any], engine_name: str,
                     reason: str) -> PlanAnswer:
        notice = _notice(reason, PLAN, flow) if engine_name == BUILTIN_ENGINE else None
        return PlanAnswer(plan=plan, engine=engine_name, notice=notice, reason=reason,
                          request_id=flow.id, cost_micros=flow.cost_micros,
                          attempts=tuple(flow.summaries))

    async def _plan_from(self, flow: _Flow, provider: ProviderConfig, messages: list[dict[str, str]],
                         profile: Profile, request: PlanRequest, inputs: PlanInputs,
                         seed: int) -> dict[str, Any] | None:
        def judge(text: str) -> _Result:
            parsed, problem = prompts.parse_json_object(text)
            if parsed is None:
                return _Result(outcomes.INVALID, text=text, error_class="UnreadableJSON",
                               error_message=problem, unreadable=True)
            plan = {"engine": provider.name, "seed": seed, "split": parsed.get("split"),
                    "inputs": inputs.to_dict(), "days": parsed.get("days"),
                    "rest_days": parsed.get("rest_days")}
            problems = validate_plan(plan, profile, request)
            if problems:
                return _Result(outcomes.INVALID, text=text, error_class="PlanBreaksRules",
                               error_message="; ".join(str(p) for p in problems[:3]))
            return _Result(outcomes.OK, text=text, value=plan)

        response_format = prompts.plan_response_format() if provider.structured_output else None
        first = await self._complete(flow, provider, messages, judge, response_format,
                                     check_circuit=True)
        if first is None or first.outcome == outcomes.OK:
            return first.value if first is not None else None
        if not first.unreadable:
            return None
        repair = prompts.repair_messages(messages, first.text, first.error_message)
        second = await self._complete(flow, provider, repair, judge, response_format,
                                      check_circuit=False)
        return second.value if second is not None and second.outcome == outcomes.OK else None

    async def _complete(self, flow: _Flow, provider: ProviderConfig, messages: list[dict[str, str]],
                        judge: Callable[[str], _Result], response_format: dict[str, Any] | None,
                        *, check_circuit: bool) -> _Result | None:
        """One non-streaming call: reserve, call, judge, settle. None: not called (skipped)."""
        max_out = prompts.output_tokens(flow.feature, provider.max_output_tokens)
        call = await self._begin(flow, provider, messages, max_out, check_circuit=check_circuit)
        if call is None:
            return None
        kwargs: dict[str, Any] = {"model": provider.model, "messages": messages,
                                  **_token_limit(provider, max_out)}
        if response_format is not None:
            kwargs["response_format"] = response_format
        started = time.perf_counter()
        try:
            async with asyncio.timeout(provider.timeout_s):
                response = await clients.client_for(provider).chat.completions.create(**kwargs)
        except asyncio.CancelledError:
            await self._abandon(flow, call, max_out, started)
            raise
        except Exception as exc:  # noqa: BLE001 - every failure is recorded and the loop moves on
            result = _failure(exc, provider, started)
        else:
            latency = time.perf_counter() - started
            text = (response.choices[0].message.content or "") if response.choices else ""
            result = judge(text)
            result.latency_s = latency
            usage = response.usage
            if usage is not None:
                result.input_tokens, result.output_tokens = usage.prompt_tokens, usage.completion_tokens
            else:
                result.input_tokens, result.output_tokens = (call.input_estimate,
                                                             prompts.estimate_output_tokens(text))
                result.usage_estimated = True
        await asyncio.to_thread(self._settle, flow, call, result)
        return result

    # -- chat --------------------------------------------------------------------------

    async def stream_chat(self, user_id: int, feature: str, messages: list[dict[str, str]], *,
                          builtin: BuiltinReply, context: str = "") -> AsyncIterator[ChatChunk]:
        history, context = _chat_input(feature, messages, context)
        key = cache.cache_key(feature, user_id, {"messages": history, "context": context},
                              prompts.PROMPT_VERSION)
        flow = _Flow(user_id, feature, key, self.clock())
        payload = prompts.chat_messages(feature, history, context)
        try:
            admission = await asyncio.to_thread(self._admit, flow, payload)
        except VigorError:
            raise
        except Exception:
            log.exception("AI gateway could not start request %s; the built-in coach answers", flow.id)
            async for chunk in self._builtin_chunks(flow, builtin, outcomes.REASON_UNAVAILABLE,
                                                    record=False):
                yield chunk
            return
        if admission.cached is not None:
            yield ChatChunk(str(admission.cached.answer))
            yield self._last_chunk(flow, admission.cached.engine, outcomes.REASON_CACHE, None)
            return
        if admission.refusal is not None or not admission.providers \
                or flow.decision.kind == outcomes.DECISION_DENY:
            reason = (outcomes.REASON_QUOTA if admission.refusal is not None
                      else outcomes.REASON_NO_PROVIDER if not admission.providers
                      else outcomes.REASON_BUDGET)
            async for chunk in self._builtin_chunks(flow, builtin, reason,
                                                    record=reason == outcomes.REASON_BUDGET):
                yield chunk
            return

        for provider in flow.candidates:
            max_out = prompts.output_tokens(feature, provider.max_output_tokens)
            call = await self._begin(flow, provider, payload, max_out, check_circuit=True)
            if call is None:
                continue
            try:
                opened = await self._open_stream(provider, call, payload, max_out)
            except asyncio.CancelledError:
                await self._abandon(flow, call, max_out, time.perf_counter())
                raise
            if isinstance(opened, _Result):  # failed before the first token: try the next one
                await asyncio.to_thread(self._settle, flow, call, opened)
                continue
            # The first token is on its way to the person: this provider finishes the reply.
            async with aclosing(self._relay(flow, call, opened)) as relayed:
                async for chunk in relayed:
                    yield chunk
            return
        async for chunk in self._builtin_chunks(flow, builtin, flow.builtin_reason(), record=True):
            yield chunk

    async def _open_stream(self, provider: ProviderConfig, call: _Call,
                           payload: list[dict[str, str]], max_out: int) -> _Result | _Stream:
        started = time.perf_counter()
        stream = None
        try:
            async with asyncio.timeout(provider.timeout_s):
                stream = await clients.client_for(provider).chat.completions.create(
                    model=provider.model, messages=payload, stream=True,
                    stream_options={"include_usage": True}, **_token_limit(provider, max_out))
                pieces = stream.__aiter__()
                opened = _Stream(stream, pieces, started)
                while True:
                    chunk = await pieces.__anext__()
                    text = opened.take(chunk)
                    if text:
                        opened.first = text
                        return opened
        except StopAsyncIteration:
            await _close_quietly(stream)
            return _Result(outcomes.ERROR, error_class="EmptyReply",
                           error_message="the stream ended before any text",
                           latency_s=time.perf_counter() - started)
        except Exception as exc:  # noqa: BLE001
            await _close_quietly(stream)
            return _failure(exc, provider, started)

    async def _relay(self, flow: _Flow, call: _Call, opened: _Stream) -> AsyncIterator[ChatChunk]:
        provider = call.provider
        result = _Result(outcomes.OK)
        finished = False
        try:
            yield ChatChunk(opened.first)
            while True:
                try:
                    async with asyncio.timeout(provider.timeout_s):
                        chunk = await opened.pieces.__anext__()
                except StopAsyncIteration:
                    break
                text = opened.take(chunk)
                if text:
                    yield ChatChunk(text)
            finished = True
        except GeneratorExit:  # the person left: keep what was sent, account for it
            result = _Result(outcomes.ABANDONED, error_class="ClientClosed",
                             error_message="the reader stopped reading")
            raise
        except Exception as exc:  # noqa: BLE001 - a dropped stream ends with a notice
            result = _failure(exc, provider, opened.started)
            result.outcome = outcomes.INTERRUPTED if result.outcome != outcomes.TIMEOUT else outcomes.TIMEOUT
        finally:
            await _close_quietly(opened.stream)
            result.text = "".join(opened.sent)
            result.value = result.text if finished else None
            result.latency_s = time.perf_counter() - opened.started
            if opened.usage is not None:
                result.input_tokens, result.output_tokens = opened.usage
            else:
                result.input_tokens = call.input_estimate
                result.output_tokens = prompts.estimate_output_tokens(result.text)
                result.usage_estimated = True
            if not finished and result.outcome == outcomes.OK:  # pragma: no cover - defensive
                result.outcome = outcomes.INTERRUPTED
            await asyncio.shield(asyncio.to_thread(self._settle, flow, call, result, final=True))
        notice = None if finished else STREAM_CUT_NOTICE
        yield self._last_chunk(flow, provider.name, outcomes.REASON_PROVIDER, notice)

    async def _builtin_chunks(self, flow: _Flow, builtin: BuiltinReply, reason: str, *,
                              record: bool) -> AsyncIterator[ChatChunk]:
        if record:
            await self._finish_builtin(flow, reason)
        reply = builtin()
        text = await reply if inspect.isawaitable(reply) else reply
        yield ChatChunk(str(text))
        yield self._last_chunk(flow, BUILTIN_ENGINE, reason, _notice(reason, flow.feature, flow))

    async def _abandon(self, flow: _Flow, call: _Call, max_out: int, started: float) -> None:
        """The request was cancelled mid-call: the provider may still charge, so the call is
        settled at its worst case."""
        result = _Result(outcomes.ABANDONED, error_class="Cancelled",
                         error_message="the request was cancelled during the call",
                         input_tokens=call.input_estimate, output_tokens=max_out,
                         usage_estimated=True, latency_s=time.perf_counter() - started)
        await asyncio.shield(asyncio.to_thread(self._settle, flow, call, result))

    def _last_chunk(self, flow: _Flow, engine_name: str, reason: str, notice: str | None) -> ChatChunk:
        return ChatChunk("", done=True, engine=engine_name, notice=notice, reason=reason,
                         request_id=flow.id, attempts=tuple(flow.summaries))

    # -- the provider loop's pieces ----------------------------------------------------

    def _candidates(self, flow: _Flow, messages: list[dict[str, str]]) -> list[ProviderConfig]:
        found = list(flow.admission.providers)  # enabled, in priority order
        if flow.decision.kind == outcomes.DECISION_DOWNGRADE:
            estimate = prompts.estimate_input_tokens(messages)

            def worst_case(p: ProviderConfig) -> int:
                return pricing.worst_case_micros(
                    estimate, prompts.output_tokens(flow.feature, p.max_output_tokens),
                    p.input_price_micros, p.output_price_micros)

            found.sort(key=lambda p: (p.id != flow.decision.prefer, worst_case(p), p.priority, p.id))
        return found

    async def _begin(self, flow: _Flow, provider: ProviderConfig, messages: list[dict[str, str]],
                     max_out: int, *, check_circuit: bool) -> _Call | None:
        """Check the circuit, reserve the worst case and write the pending row; None: skip."""
        prepared = flow.prepared
        if prepared is not None and check_circuit and prepared.provider.id == provider.id:
            flow.prepared = None  # reserved during admission already
            flow.calls += 1
            return prepared
        if provider.key_error:
            self._skip(flow, provider, outcomes.ERROR, "KeyUnreadable", provider.key_error)
            return None
        trial = False
        if check_circuit:
            state = flow.admission.circuits.get(provider.id, circuit.CircuitState())
            verdict = circuit.admission(state, self.clock(), self._cooldown())
            if verdict == circuit.REJECT:
                self._skip(flow, provider, outcomes.CIRCUIT_OPEN, "CircuitOpen", "")
                return None
            trial = verdict == circuit.TRIAL
        try:
            call = await asyncio.to_thread(self._reserve, flow, provider, messages, max_out, trial)
        except _Refused as refused:
            if refused.outcome == outcomes.SKIPPED:
                self._skip_for_budget(flow, provider, refused.key)
            else:
                self._skip(flow, provider, outcomes.CIRCUIT_OPEN, "CircuitOpen",
                           "another worker holds the trial call")
            return None
        except Exception:  # noqa: BLE001 - the database hiccuped: not this provider's fault
            log.exception("AI %s %s: could not reserve for %s", flow.feature, flow.id[:8], provider.name)
            self._skip(flow, provider, outcomes.SKIPPED, "ReservationFailed", "")
            return None
        flow.calls += 1
        return call

    def _skip_for_budget(self, flow: _Flow, provider: ProviderConfig, key: str) -> None:
        flow.budget_skips.append(key)
        error_class = "DailyCap" if key.startswith("spend:provider:") else "Budget"
        self._skip(flow, provider, outcomes.SKIPPED, error_class,
                   "the worst case of this call does not fit")

    def _skip(self, flow: _Flow, provider: ProviderConfig, outcome: str, error_class: str,
              message: str) -> None:
        now = self.clock()
        flow.pending.append(flow.row(
            now, outcome, provider_id=provider.id, provider_name=provider.name, model=provider.model,
            error_class=error_class, error_message=message[:300], settled_at=now))
        flow.summaries.append(AttemptSummary(provider.name, outcome, error_class=error_class))
        log.info("AI %s %s: %s %s (%s)", flow.feature, flow.id[:8], provider.name, outcome, error_class)

    # -- database work (worker threads) ------------------------------------------------

    def _admit(self, flow: _Flow, messages: list[dict[str, str]]) -> _Admission:
        """Who asks, their allowance, the providers and budgets; take one quota unit; look in
        the cache; decide on the budget; reserve for the first provider when its circuit is
        closed. One transaction (reads first, then conditional updates)."""
        now = flow.now
        with db.transaction() as session:
            person = session.connection().execute(_PERSON, {"user_id": flow.user_id}).first()
            if person is None or not person.is_active:
                raise NotFound("That account does not exist.")
            allowed = quotas.allowance(session, flow.user_id, person.tier, now)
            configs = providers.enabled_configs(session)
            admission = _Admission(providers=configs, tier=allowed.tier,
                                   circuits=circuit.load_states(session, [p.id for p in configs]),
                                   budget_settings=budgets.load_settings(session))
            flow.admission = admission
            if not configs:  # nothing to spend or protect: the built-in engine is the engine
                attempts.add(session, [self._final_builtin_row(flow, outcomes.REASON_NO_PROVIDER)])
                return admission
            windows = usage_windows(now, person.timezone or "UTC")
            taken = quotas.reserve(session, flow.user_id, allowed, windows, now)
            if isinstance(taken, quotas.QuotaRefusal):
                admission.refusal = taken
                attempts.add(session, [self._final_builtin_row(flow, outcomes.REASON_QUOTA)])
                return admission
            ttl = get_settings().ai_cache_ttl_seconds
            cached = cache.lookup(session, flow.cache_key, now) if ttl else None
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
            flow.candidates = self._candidates(flow, messages)
            first = flow.candidates[0]
            state = admission.circuits.get(first.id, circuit.CircuitState())
            if not first.key_error and circuit.admission(state, now, self._cooldown()) == circuit.CALL:
                prepared = self._reserve_in(session, flow, first, messages, now)
                if isinstance(prepared, _Call):
                    flow.prepared = prepared
        return admission

    def _reserve(self, flow: _Flow, provider: ProviderConfig, messages: list[dict[str, str]],
                 max_out: int, trial: bool) -> _Call:
        now = self.clock()
        with db.transaction() as session:
            if trial and not circuit.claim_trial(session, provider.id, now, self._cooldown()):
                raise _Refused(outcomes.CIRCUIT_OPEN)
            reserved = self._reserve_in(session, flow, provider, messages, now, max_out)
            if not isinstance(reserved, _Call):
                raise _Refused(outcomes.SKIPPED, reserved)
        flow.pending = []
        return reserved

    def _reserve_in(self, session: Any, flow: _Flow, provider: ProviderConfig,
                    messages: list[dict[str, str]], now: datetime,
                    max_out: int | None = None) -> _Call | str:
        """Reserve the call's worst case and write its pending row (and any skips before it),
        in the caller's transaction. Returns the call, or the counter key that refused."""
        estimate = prompts.estimate_input_tokens(messages)
        if max_out is None:
            max_out = prompts.output_tokens(flow.feature, provider.max_output_tokens)
        amount = pricing.worst_case_micros(estimate, max_out, provider.input_price_micros,
                                           provider.output_price_micros)
        keys, refused = budgets.reserve(session, flow.admission.budget_states, provider.id,
                                        provider.daily_cap_micros, amount, now)
        if refused is not None:
            return refused
        attempts.add(session, flow.pending)  # earlier skips first: ids follow events
        attempt_id = attempts.add_one(session, flow.row(
            now, outcomes.PENDING, provider_id=provider.id, provider_name=provider.name,
            model=provider.model, input_price_micros=provider.input_price_micros,
            output_price_micros=provider.output_price_micros, reserved_micros=amount,
            reservation_keys=list(keys)))
        return _Call(provider, attempt_id, amount, keys, estimate)

    def _settle(self, flow: _Flow, call: _Call, result: _Result, *, final: bool | None = None) -> None:
        """Record how the call ended, settle its money, update the circuit; cache a good answer."""
        now = self.clock()
        provider = call.provider
        ok = result.outcome == outcomes.OK
        final = ok if final is None else final
        cost = pricing.cost_micros(result.input_tokens, result.output_tokens,
                                   provider.input_price_micros, provider.output_price_micros)
        message = crypto.redact(result.error_message, provider.secret)[:300]
        was = flow.admission.circuits.get(provider.id, circuit.CircuitState())
        try:
            self._write_settlement(flow, call, result, was, final, cost, message, now)
        except Exception:  # noqa: BLE001 - the answer stands; the reservation is released later
            log.exception("AI %s %s: could not record the call to %s", flow.feature, flow.id[:8],
                          provider.name)
        flow.summaries.append(AttemptSummary(provider.name, result.outcome, result.latency_s, cost,
                                             result.error_class))
        if log.isEnabledFor(logging.INFO):
            log.log(logging.INFO if ok else logging.WARNING,
                    "AI %s %s: %s %s in %.0f ms, %d+%d tokens, %s%s", flow.feature, flow.id[:8],
                    provider.name, result.outcome, result.latency_s * 1000, result.input_tokens,
                    result.output_tokens, pricing.format_usd(cost),
                    f" ({result.error_class}: {message})" if result.error_class else "")

    def _write_settlement(self, flow: _Flow, call: _Call, result: _Result,
                          was: circuit.CircuitState, final: bool, cost: int, message: str,
                          now: datetime) -> None:
        provider = call.provider
        ok = result.outcome == outcomes.OK
        settings = get_settings()
        with db.transaction() as session:
            if ok and was != circuit.CircuitState():  # closed with no failures: nothing to do
                circuit.record_success(session, provider.id, now)
            elif result.outcome in outcomes.FAILURES:
                circuit.record_failure(session, provider.id, now, settings.ai_circuit_failures,
                                       result.error_class)
            # Lock order everywhere: circuit, then the attempt row, then counters (see counters).
            attempts.finish(
                session, call.attempt_id, input_tokens=result.input_tokens,
                output_tokens=result.output_tokens, usage_estimated=result.usage_estimated,
                cost_micros=cost, latency_ms=round(result.latency_s * 1000), outcome=result.outcome,
                error_class=result.error_class[:64], error_message=message, settled_at=now,
                final=final, engine=provider.name if final else None)
            budgets.settle(session, call.keys, call.reserved, cost, now)
            if ok and final and settings.ai_cache_ttl_seconds:
                cache.store(session, flow.cache_key, user_id=flow.user_id, feature=flow.feature,
                            engine=provider.name, answer=result.value, now=now,
                            ttl=timedelta(seconds=settings.ai_cache_ttl_seconds))
            attempts.add(session, flow.pending)
        flow.pending = []

    def _final_builtin_row(self, flow: _Flow, reason: str) -> dict[str, Any]:
        now = self.clock()
        return flow.row(now, outcomes.BUILTIN, provider_name=BUILTIN_ENGINE, final=True,
                        engine=BUILTIN_ENGINE, builtin_reason=reason, settled_at=now)

    async def _finish_builtin(self, flow: _Flow, reason: str) -> None:
        def write() -> None:
            now = self.clock()
            with db.transaction() as session:
                if flow.admission.ticket is not None:  # no AI answer: the quota unit goes back
                    quotas.release(session, flow.admission.ticket, now)
                attempts.add(session, [*flow.pending, self._final_builtin_row(flow, reason)])
            flow.admission.ticket = None
            flow.pending = []

        try:
            await asyncio.to_thread(write)
        except Exception:  # noqa: BLE001 - the built-in answer still goes out
            log.exception("AI %s %s: could not record the built-in answer", flow.feature, flow.id[:8])
        log.info("AI %s %s: built-in engine answers (%s)", flow.feature, flow.id[:8], reason)


_USERS = User.__table__  # type: ignore[attr-defined]
_PROFILES = FitnessProfile.__table__  # type: ignore[attr-defined]
_PERSON = (
    select(_USERS.c.tier, _USERS.c.is_active, _PROFILES.c.timezone)
    .select_from(_USERS.outerjoin(_PROFILES, _PROFILES.c.user_id == _USERS.c.id))
    .where(_USERS.c.id == bindparam("user_id"))
)


@dataclass
class _Stream:
    """A chat stream that produced its first token."""

    stream: Any
    pieces: Any
    started: float
    first: str = ""
    sent: list[str] = field(default_factory=list)
    usage: tuple[int, int] | None = None

    def take(self, chunk: Any) -> str:
        """The text in `chunk` (remembered as sent); notes the usage when it comes."""
        usage = getattr(chunk, "usage", None)
        if usage is not None:
            self.usage = (usage.prompt_tokens, usage.completion_tokens)
        choices = getattr(chunk, "choices", None) or []
        text = "".join((c.delta.content or "") for c in choices if c.delta is not None)
        if text:
            self.sent.append(text)
        return text


async def _close_quietly(stream: Any) -> None:
    if stream is None:
        return
    try:
        await stream.close()
    except Exception:  # noqa: BLE001, S110 - closing a broken stream may fail too
        pass


# --- the module-level API State calls ---------------------------------------------------

_default: Gateway | None = None


def default_gateway() -> Gateway:
    global _default
    if _default is None:
        _default = Gateway()
    return _default


async def generate_plan(user_id: int, profile: Profile, request: PlanRequest | None,
                        seed: int) -> PlanAnswer:
    """A weekly plan for the person: from the best provider that can give a valid one, or
    from the built-in engine (with a notice saying why). Always valid, never raises for a
    provider's sake; ValidationError for bad input."""
    return await default_gateway().generate_plan(user_id, profile, request, seed)


async def stream_chat(user_id: int, feature: str, messages: list[dict[str, str]], *,
                      builtin: BuiltinReply, context: str = "") -> AsyncIterator[ChatChunk]:
    """The coach's reply, piece by piece; the last chunk (``done``) says who answered and
    carries any notice. ``builtin`` gives the reply when no AI can.

    Read it to the end, or close it (``async with contextlib.aclosing(...)``) when the
    person leaves early: closing settles the call at once."""
    async with aclosing(default_gateway().stream_chat(user_id, feature, messages, builtin=builtin,
                                                      context=context)) as chunks:
        async for chunk in chunks:
            yield chunk
