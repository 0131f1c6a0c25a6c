"""The AI gateway: every AI call in Vigor goes through here, and always ends in an answer.

One request, in order (docs/ai.md has the operator's view and the guarantees):

1. The caller's input is checked (``inputs``; plans are checked by the plans that ask).
2. Admission, in one transaction (``ledger.admit``): one request from the person's quota
   (day, ISO week, month; atomic; used up: the built-in engine answers, with a notice); the
   cache (a hit gives the quota unit back); the budget decision (ok, downgrade: cheapest
   first, deny: built-in); the first provider's worst case reserved.
3. Providers in the order the routing rules give (``routing``: a switch, an experiment's arm,
   a tier's or the feature's own order, else by priority), skipping disabled ones, open
   circuits, those resting after a Retry-After, and those whose daily cap or a hard budget
   cannot cover the call (near a limit the call asks for fewer tokens; when calls in flight
   hold the room, it waits a few seconds for them to settle). Each call has the provider's
   timeout and the request's whole-reply deadline; SDK retries are off: this loop is the only
   retry loop.
4. Plans: structured output where the provider supports it, one repair turn for unreadable
   JSON, then the plan's own ``judge`` (the same rules as the built-in engine, and the text
   rules): anything it refuses is ``invalid``, and the next provider or the draft answers.
   When the judge names what to fix (a coach's soft rules), the provider gets one repair
   turn with that text; a repair that fails is ``invalid`` too.
   Chat streams (``relay``): screened sentence by sentence, capped in length, under the
   deadline; it moves to the next provider only before the first text reaches the person.
5. Every attempt is recorded (``ai_attempts``) with charged and reported tokens, exact cost,
   latency and outcome; the row of the engine that answered is marked ``final``.

No database transaction is open while a provider is awaited; database work runs in worker
threads (``asyncio.to_thread``).
"""

from __future__ import annotations

import asyncio
import inspect
import logging
import random
import time
from collections.abc import AsyncGenerator, AsyncIterator, Awaitable, Callable
from contextlib import aclosing
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from vigor_app.clock import utcnow
from vigor_app.observability import ai_gateway as observed
from vigor_app.services.ai import cache, calls, circuit, outcomes, pricing, prompts, relay, routing
from vigor_app.services.ai.calls import Result
from vigor_app.services.ai.inputs import CHAT_FEATURES, FEATURES, PLAN, chat_input
from vigor_app.services.ai.ledger import AttemptSummary, Call, Flow, Ledger, Refused
from vigor_app.services.ai.notices import STREAM_CUT_NOTICE, builtin_notice
from vigor_app.services.ai.outcomes import BUILTIN_ENGINE
from vigor_app.services.ai.providers import ProviderConfig
from vigor_app.services.errors import VigorError
from vigor_app.settings import get_settings

__all__ = ["CHAT_FEATURES", "FEATURES", "PLAN", "STREAM_CUT_NOTICE", "AttemptSummary", "ChatChunk",
           "Gateway", "PlanAnswer", "PlanJob", "PlanVerdict", "default_gateway", "stream_chat"]

log = logging.getLogger(__name__)

BuiltinReply = Callable[[], str] | Callable[[], Awaitable[str]]
BUDGET_WAIT_STEP_S = (0.02, 0.2)  # a request waiting for a budget looks again this often


# --- what callers give and get ----------------------------------------------------------


def fix_turn(messages: list[dict[str, str]], reply: str, fix: str) -> list[dict[str, str]]:
    """One more turn: the provider's own answer, then what its judge asks it to fix."""
    return [*messages, {"role": "assistant", "content": reply[:20_000]},
            {"role": "user", "content": fix}]


@dataclass(frozen=True)
class PlanVerdict:
    """The plan's judge on one answer: the plan to show, or why not."""

    plan: dict[str, Any] | None
    error_class: str = ""
    problem: str = ""
    fix: str = ""  # when set, the provider gets one turn to fix the plan, told this


@dataclass(frozen=True)
class PlanJob:
    """A plan request, as the plans hand it over (the gateway knows nothing of plans)."""

    draft: dict[str, Any]  # the built-in plan: the answer whenever no provider gives a valid one
    cache_input: dict[str, Any]  # what makes two requests the same
    messages: list[dict[str, str]]
    response_format: dict[str, Any] | None  # sent to providers with structured output
    judge: Callable[[dict[str, Any], str], PlanVerdict]  # (parsed JSON, engine name) -> verdict
    repair: Callable[[list[dict[str, str]], str, str], list[dict[str, str]]]  # one repair turn


@dataclass(frozen=True)
class PlanAnswer:
    plan: dict[str, Any]  # always passed the job's judge (or is its draft)
    engine: str  # "builtin" or the provider's name
    notice: str | None  # for the person, when the built-in engine answered instead of the AI
    reason: str  # provider | cache | quota | budget | no_provider | all_failed | unavailable
    request_id: str = ""
    cost_micros: int = 0
    attempts: tuple[AttemptSummary, ...] = ()


@dataclass(frozen=True)
class ChatChunk:
    """A piece of the reply (``done`` False), or the last chunk, which says who answered.

    ``replace``, on the last chunk, is the text to show instead of everything sent before
    it (a reply that broke the safety rules is withheld and replaced)."""

    text: str
    done: bool = False
    engine: str | None = None
    notice: str | None = None
    reason: str | None = None
    request_id: str | None = None
    attempts: tuple[AttemptSummary, ...] = ()
    replace: str | None = None


# --- the gateway ------------------------------------------------------------------------


class Gateway:
    """The gateway, with its clock. The module-level ``stream_chat`` and ``default_gateway``
    use one made with the real clock; tests make their own to move time."""

    def __init__(self, *, clock: Callable[[], datetime] = utcnow) -> None:
        self.clock = clock
        self.ledger = Ledger(clock)

    # -- plans -------------------------------------------------------------------------

    async def generate_plan(self, user_id: int, job: PlanJob) -> PlanAnswer:
        """The first valid plan a provider gives for `job`, or its draft (with a notice)."""
        key = cache.cache_key(PLAN, user_id, job.cache_input, prompts.PROMPT_VERSION)
        flow = Flow(user_id, PLAN, key, self.clock())
        try:
            admission = await asyncio.to_thread(self.ledger.admit, flow, job.messages, self._order)
        except VigorError:
            raise
        except Exception:
            log.exception("AI gateway could not start request %s; the built-in engine answers", flow.id)
            return self._plan_answer(flow, job.draft, BUILTIN_ENGINE, outcomes.REASON_UNAVAILABLE)
        if admission.cached is not None:
            return self._plan_answer(flow, admission.cached.answer, admission.cached.engine,
                                     outcomes.REASON_CACHE)
        if admission.refusal is not None:
            return self._plan_answer(flow, job.draft, BUILTIN_ENGINE, outcomes.REASON_QUOTA)
        if not admission.providers:
            return self._plan_answer(flow, job.draft, BUILTIN_ENGINE, outcomes.REASON_NO_PROVIDER)
        if flow.decision.kind == outcomes.DECISION_DENY:
            await self._finish_builtin(flow, outcomes.REASON_BUDGET)
            return self._plan_answer(flow, job.draft, BUILTIN_ENGINE, outcomes.REASON_BUDGET)

        deadline = time.perf_counter() + get_settings().ai_reply_deadline_seconds
        for provider in flow.candidates:
            plan = await self._plan_from(flow, provider, job, deadline)
            if plan is not None:
                return self._plan_answer(flow, plan, provider.name, outcomes.REASON_PROVIDER)
        reason = flow.builtin_reason()
        await self._finish_builtin(flow, reason)
        return self._plan_answer(flow, job.draft, BUILTIN_ENGINE, reason)

    def _plan_answer(self, flow: Flow, plan: dict[str, Any], engine_name: str,
                     reason: str) -> PlanAnswer:
        notice = builtin_notice(reason, PLAN, flow) if engine_name == BUILTIN_ENGINE else None
        observed.request_answered(flow.feature, reason)
        return PlanAnswer(plan=plan, engine=engine_name, notice=notice, reason=reason,
                          request_id=flow.id, cost_micros=flow.cost_micros,
                          attempts=tuple(flow.summaries))

    async def _plan_from(self, flow: Flow, provider: ProviderConfig, job: PlanJob,
                         deadline: float) -> dict[str, Any] | None:
        def judge(result: Result) -> Result:
            parsed, problem = prompts.parse_json_object(result.text)
            if parsed is None:
                result.outcome, result.error_class = outcomes.INVALID, "UnreadableJSON"
                result.error_message, result.unreadable = problem, True
                return result
            verdict = job.judge(parsed, provider.name)
            if verdict.plan is None:
                result.outcome, result.error_class = outcomes.INVALID, verdict.error_class
                result.error_message, result.fix = verdict.problem[:300], verdict.fix
                return result
            result.value = verdict.plan
            return result

        response_format = job.response_format if provider.structured_output else None
        first = await self._complete(flow, provider, job.messages, judge, response_format,
                                     deadline, check_circuit=True)
        if first is None or first.outcome == outcomes.OK:
            return first.value if first is not None else None
        if first.unreadable:
            repair = job.repair(job.messages, first.text, first.error_message)
        elif first.fix:
            repair = fix_turn(job.messages, first.text, first.fix)
        else:
            return None
        second = await self._complete(flow, provider, repair, judge, response_format, deadline,
                                      check_circuit=False)
        return second.value if second is not None and second.outcome == outcomes.OK else None

    async def _complete(self, flow: Flow, provider: ProviderConfig, messages: list[dict[str, str]],
                        judge: Callable[[Result], Result], response_format: dict[str, Any] | None,
                        deadline: float, *, check_circuit: bool) -> Result | None:
        """One non-streaming call: reserve, call, judge, settle. None: not called (skipped)."""
        call = await self._begin(flow, provider, messages, check_circuit=check_circuit)
        if call is None:
            return None
        started = time.perf_counter()
        try:
            result = await calls.complete(
                provider, messages, call.max_out, call.input_estimate, response_format, deadline,
                max_chars=call.max_out * prompts.CHARS_PER_TOKEN_CEILING)
        except asyncio.CancelledError:
            await self._abandon(flow, call, started)
            raise
        if result.outcome == outcomes.OK:
            result = judge(result)
        await asyncio.to_thread(self.ledger.settle, flow, call, result)
        return result

    # -- chat --------------------------------------------------------------------------

    async def stream_chat(self, user_id: int, feature: str, messages: list[dict[str, str]], *,
                          builtin: BuiltinReply, context: str = "") -> AsyncGenerator[ChatChunk, None]:
        history, context = chat_input(feature, messages, context)
        key = cache.cache_key(feature, user_id, {"messages": history, "context": context},
                              prompts.PROMPT_VERSION)
        flow = Flow(user_id, feature, key, self.clock())
        payload = prompts.chat_messages(feature, history, context)
        try:
            admission = await asyncio.to_thread(self.ledger.admit, flow, payload, self._order)
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

        deadline = time.perf_counter() + get_settings().ai_reply_deadline_seconds
        for provider in flow.candidates:
            call = await self._begin(flow, provider, payload, check_circuit=True)
            if call is None:
                continue
            started = time.perf_counter()
            try:
                opened = await calls.open_stream(provider, payload, call.max_out, deadline)
            except asyncio.CancelledError:
                await self._abandon(flow, call, started)
                raise
            if isinstance(opened, Result):  # failed before the first token: try the next one
                await asyncio.to_thread(self.ledger.settle, flow, call, opened)
                continue
            # The first text is on its way to the person: this provider finishes the reply.
            ended = relay.Ending()
            async with aclosing(relay.relay(self.ledger, flow, call, opened, deadline,
                                            ended)) as relayed:
                async for text in relayed:
                    yield ChatChunk(text)
            observed.request_answered(flow.feature, outcomes.REASON_PROVIDER)
            yield ChatChunk("", done=True, engine=provider.name, notice=ended.notice,
                            reason=outcomes.REASON_PROVIDER, request_id=flow.id,
                            attempts=tuple(flow.summaries), replace=ended.replace)
            return
        async for chunk in self._builtin_chunks(flow, builtin, flow.builtin_reason(), record=True):
            yield chunk

    async def _builtin_chunks(self, flow: Flow, builtin: BuiltinReply, reason: str, *,
                              record: bool) -> AsyncIterator[ChatChunk]:
        if record:
            await self._finish_builtin(flow, reason)
        reply = builtin()
        text = await reply if inspect.isawaitable(reply) else reply
        yield ChatChunk(str(text))
        yield self._last_chunk(flow, BUILTIN_ENGINE, reason, builtin_notice(reason, flow.feature, flow))

    def _last_chunk(self, flow: Flow, engine_name: str, reason: str, notice: str | None) -> ChatChunk:
        observed.request_answered(flow.feature, reason)
        return ChatChunk("", done=True, engine=engine_name, notice=notice, reason=reason,
                         request_id=flow.id, attempts=tuple(flow.summaries))

    # -- the provider loop's pieces ----------------------------------------------------

    @staticmethod
    def _order(flow: Flow, messages: list[dict[str, str]]) -> list[ProviderConfig]:
        """The providers to try, in order: as the routing rules say (`routing`), or those
        cheapest first on a downgrade."""
        admission = flow.admission
        flow.route = routing.choose(admission.rules, flow.feature, admission.tier, flow.user_id,
                                    admission.providers)
        found = list(flow.route.providers)
        if flow.decision.kind == outcomes.DECISION_DOWNGRADE:
            estimate = prompts.estimate_input_tokens(messages)

            def worst_case(p: ProviderConfig) -> int:
                return pricing.worst_case_micros(
                    estimate, prompts.output_tokens(flow.feature, p.max_output_tokens),
                    p.input_price_micros, p.output_price_micros)

            found.sort(key=lambda p: (p.id != flow.decision.prefer, worst_case(p), p.priority, p.id))
        return found

    async def _begin(self, flow: Flow, provider: ProviderConfig, messages: list[dict[str, str]],
                     *, check_circuit: bool) -> Call | None:
        """Check the circuit, reserve the worst case and write the pending row; None: skip.
        When calls in flight hold the budget room this call needs, wait (a few seconds at
        most) for them to settle."""
        prepared = flow.prepared
        if prepared is not None and check_circuit and prepared.provider.id == provider.id:
            flow.prepared = None  # reserved during admission already
            flow.calls += 1
            return prepared
        if provider.key_error:
            self.ledger.skip(flow, provider, outcomes.ERROR, "KeyUnreadable", provider.key_error)
            return None
        trial = False
        if check_circuit:
            state = flow.admission.circuits.get(provider.id, circuit.CircuitState())
            if state.resting(self.clock()):
                self.ledger.skip(flow, provider, outcomes.SKIPPED, "RetryAfter",
                                 "the provider asked not to be called before "
                                 f"{state.retry_after_until:%H:%M:%S} UTC")
                return None
            verdict = circuit.admission(state, self.clock(), self.ledger.cooldown())
            if verdict == circuit.REJECT:
                self.ledger.skip(flow, provider, outcomes.CIRCUIT_OPEN, "CircuitOpen", "")
                return None
            trial = verdict == circuit.TRIAL
        waited_until = time.monotonic() + get_settings().ai_budget_wait_seconds
        while True:
            try:
                call = await asyncio.to_thread(self.ledger.reserve, flow, provider, messages, trial)
            except Refused as refused:
                if refused.outcome == outcomes.SKIPPED and refused.settling \
                        and time.monotonic() < waited_until:
                    await asyncio.sleep(random.uniform(*BUDGET_WAIT_STEP_S))  # noqa: S311
                    continue
                if refused.outcome == outcomes.SKIPPED:
                    self._skip_for_budget(flow, provider, refused.key)
                else:
                    self.ledger.skip(flow, provider, outcomes.CIRCUIT_OPEN, "CircuitOpen",
                                     "another worker holds the trial call")
                return None
            except Exception:  # noqa: BLE001 - the database hiccuped: not this provider's fault
                log.exception("AI %s %s: could not reserve for %s", flow.feature, flow.id[:8],
                              provider.name)
                self.ledger.skip(flow, provider, outcomes.SKIPPED, "ReservationFailed", "")
                return None
            flow.calls += 1
            return call

    def _skip_for_budget(self, flow: Flow, provider: ProviderConfig, key: str) -> None:
        flow.budget_skips.append(key)
        error_class = "DailyCap" if key.startswith("spend:provider:") else "Budget"
        self.ledger.skip(flow, provider, outcomes.SKIPPED, error_class,
                         "the worst case of this call does not fit")

    async def _abandon(self, flow: Flow, call: Call, started: float) -> None:
        """The request was cancelled mid-call: the provider may still charge, so the call is
        settled at its worst case. Not the provider's fault: its circuit is untouched."""
        result = Result(outcomes.ABANDONED, error_class="Cancelled",
                        error_message="the request was cancelled during the call",
                        input_tokens=call.input_estimate, output_tokens=call.max_out,
                        usage_estimated=True, latency_s=time.perf_counter() - started)
        await asyncio.shield(asyncio.to_thread(self.ledger.settle, flow, call, result))

    async def _finish_builtin(self, flow: Flow, reason: str) -> None:
        try:
            await asyncio.to_thread(self.ledger.finish_builtin, flow, reason)
        except Exception:  # noqa: BLE001 - the built-in answer still goes out
            log.exception("AI %s %s: could not record the built-in answer", flow.feature, flow.id[:8])
        log.info("AI %s %s: built-in engine answers (%s)", flow.feature, flow.id[:8], reason)


# --- the module-level API ---------------------------------------------------------------

_default: Gateway | None = None


def default_gateway() -> Gateway:
    global _default
    if _default is None:
        _default = Gateway()
    return _default


async def stream_chat(user_id: int, feature: str, messages: list[dict[str, str]], *,
                      builtin: BuiltinReply, context: str = "") -> AsyncGenerator[ChatChunk, None]:
    """The coach's reply, piece by piece; the last chunk (``done``) says who answered and
    carries any notice (and, when the reply was withheld, the text to show instead).
    ``builtin`` gives the reply when no AI can.

    Read it to the end, or close it (``async with contextlib.aclosing(...)``) when the
    person leaves early: closing settles the call at once."""
    async with aclosing(default_gateway().stream_chat(user_id, feature, messages, builtin=builtin,
                                                      context=context)) as chunks:
        async for chunk in chunks:
            yield chunk
