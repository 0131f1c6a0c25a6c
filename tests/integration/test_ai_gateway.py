"""The AI gateway's plan path over real HTTP: the real openai SDK against a local
OpenAI-compatible server (tests/fakes/openai_server.py), a fresh migrated database per test,
nothing monkeypatched. Time moves through the gateway's injected clock."""

from __future__ import annotations

import asyncio
import json
import logging
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlmodel import col, select

from tests.factories import add_user
from tests.fakes.openai_server import Failure, Reply
from tests.postgres import migrated_database
from vigor_app import db
from vigor_app.models import AiAttempt, AiCounter, AuditEntry
from vigor_app.services.ai import attempts as attempts_service
from vigor_app.services.ai import budgets, circuit, provider_health, providers, quotas
from vigor_app.services.ai.gateway import Gateway, PlanAnswer
from vigor_app.services.ai.providers import ProviderInput
from vigor_app.services.ai.windows import usage_windows
from vigor_app.services.errors import NotFound, PermissionDenied, ValidationError
from vigor_app.services.plans import ai_plans
from vigor_app.services.plans.engine import generate_plan as builtin_plan
from vigor_app.services.plans.request import PlanRequest, Profile
from vigor_app.services.plans.validation import validate_plan
from vigor_app.settings import reload_settings

PROFILE = Profile(days_per_week=3, equipment=("dumbbells", "bench"))
REQUEST = PlanRequest()
START = datetime(2026, 11, 18, 12, 0, tzinfo=UTC)  # a Wednesday


class Clock:
    def __init__(self, now: datetime = START) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


# --- fixtures ---------------------------------------------------------------------------


@pytest.fixture
def backend(request, ai):
    """SQLite (the default), or with ``indirect`` parametrization a fresh PostgreSQL database:
    the counters, circuits and upserts must hold on both."""
    kind = getattr(request, "param", "sqlite")
    if kind == "sqlite":
        yield kind
        return
    with migrated_database("vigor_ai", ai):
        yield kind


BOTH_DATABASES = pytest.mark.parametrize(
    "backend", ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)], indirect=True)


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def gateway(clock) -> Gateway:
    return Gateway(clock=clock)


@pytest.fixture
def admin_id(backend) -> int:
    return add_user("boss", role="admin")


@pytest.fixture
def user_id(backend) -> int:
    return add_user("alice")


def add_provider(admin: int, server, name: str, *, model: str | None = None, priority: int = 10,
                 **settings: Any) -> providers.ProviderView:
    values: dict[str, Any] = {"kind": "openai_compatible", "base_url": server.base_url,
                              "api_key": f"sk-{name.lower()}-0123456789abcdef", "timeout_seconds": 10.0}
    values.update(settings)
    return providers.create_provider(admin, ProviderInput(name=name, model=model or name.lower(),
                                                          priority=priority, **values))


def attempts(request_id: str | None = None) -> list[AiAttempt]:
    with db.read_only() as session:
        query = select(AiAttempt).order_by(col(AiAttempt.id))
        if request_id:
            query = query.where(AiAttempt.request_id == request_id)
        return list(session.exec(query).all())


def counter(key: str) -> AiCounter | None:
    with db.read_only() as session:
        return session.get(AiCounter, key)


def assert_valid(answer: PlanAnswer, profile: Profile = PROFILE, request: PlanRequest = REQUEST) -> None:
    assert validate_plan(answer.plan, profile, request) == []


async def plan(gateway: Gateway, user: int, seed: int = 1, profile: Profile = PROFILE) -> PlanAnswer:
    return await ai_plans.generate(user, profile, REQUEST, seed, gateway=gateway)


def broken_plan(seed: int = 1) -> str:
    """A plan from the built-in engine with one hard rule broken (far too many sets)."""
    body = builtin_plan(PROFILE, REQUEST, seed).to_dict()
    body["days"][0]["exercises"][0]["sets"] = 40
    return json.dumps({k: body[k] for k in ("split", "days", "rest_days")})


def coachless_plan(seed: int = 1) -> str:
    """A plan from the built-in engine that keeps every hard rule but a coach's soft rules:
    the easier and harder variations of every exercise swapped."""
    body = builtin_plan(PROFILE, REQUEST, seed).to_dict()
    for item in (i for day in body["days"] for i in day["exercises"]):
        item["easier"], item["harder"] = item["harder"], item["easier"]
    return json.dumps({k: body[k] for k in ("split", "days", "rest_days")})


# --- order and fallback -----------------------------------------------------------------


async def test_providers_are_tried_in_priority_order_and_the_first_good_answer_wins(
        server, gateway, admin_id, user_id):
    add_provider(admin_id, server, "Third", priority=30)
    add_provider(admin_id, server, "First", priority=10)
    add_provider(admin_id, server, "Second", priority=20)
    add_provider(admin_id, server, "Off", priority=1, enabled=False)
    server.script("first", Failure(500))
    server.default("second", Reply(echo_draft=True))

    answer = await plan(gateway, user_id)

    assert (answer.engine, answer.reason, answer.notice) == ("Second", "provider", None)
    assert answer.plan["engine"] == "Second"
    assert_valid(answer)
    assert [r.model for r in server.calls()] == ["first", "second"]
    rows = attempts(answer.request_id)
    assert [(r.provider_name, r.outcome, r.final) for r in rows] == [
        ("First", "error", False), ("Second", "ok", True)]
    assert rows[0].error_class == "InternalServerError"
    assert rows[1].engine == "Second" and rows[1].builtin_reason is None


async def test_every_provider_failing_ends_at_the_built_in_engine_with_a_notice(
        server, gateway, admin_id, user_id):
    add_provider(admin_id, server, "Only")
    server.default("only", Failure(503))

    answer = await plan(gateway, user_id)

    assert (answer.engine, answer.reason) == ("builtin", "all_failed")
    assert answer.notice and "built-in coach" in answer.notice
    assert answer.plan == builtin_plan(PROFILE, REQUEST, 1).to_dict()
    final = [r for r in attempts(answer.request_id) if r.final]
    assert [(r.engine, r.builtin_reason) for r in final] == [("builtin", "all_failed")]
    # no AI answer, no quota used
    assert quotas.usage(user_id, START).windows[0].used == 0


async def test_without_any_provider_the_built_in_engine_answers_quietly(gateway, user_id):
    answer = await plan(gateway, user_id)
    assert (answer.engine, answer.reason, answer.notice) == ("builtin", "no_provider", None)
    assert_valid(answer)
    assert [(r.engine, r.builtin_reason) for r in attempts()] == [("builtin", "no_provider")]


async def test_input_is_checked_before_anything_else(server, gateway, admin_id, user_id):
    add_provider(admin_id, server, "A")
    with pytest.raises(ValidationError) as caught:
        await ai_plans.generate(user_id, {"days_per_week": 9}, None, 1, gateway=gateway)  # type: ignore[arg-type]
    assert caught.value.field == "days_per_week"
    with pytest.raises(ValidationError):
        await ai_plans.generate(user_id, PROFILE, {"intensity": "insane"}, 1, gateway=gateway)  # type: ignore[arg-type]
    with pytest.raises(ValidationError) as caught:
        await ai_plans.generate(user_id, PROFILE, REQUEST, -1, gateway=gateway)
    assert caught.value.field == "seed"
    with pytest.raises(NotFound):
        await ai_plans.generate(424242, PROFILE, REQUEST, 1, gateway=gateway)
    assert server.calls() == [] and attempts() == []


# --- circuits ---------------------------------------------------------------------------


@BOTH_DATABASES
async def test_a_failing_provider_opens_its_circuit_is_skipped_and_recovers_after_cooldown(
        server, gateway, clock, admin_id, user_id):
    flaky = add_provider(admin_id, server, "Flaky", priority=1)
    add_provider(admin_id, server, "Steady", priority=2)
    server.default("flaky", Failure(500))
    server.default("steady", Reply(echo_draft=True))

    for seed in range(5):  # five failures in a row open the circuit
        assert (await plan(gateway, user_id, seed)).engine == "Steady"
        clock.advance(1)
    assert len(server.calls("flaky")) == 5
    report = {c.name: c for c in provider_health.circuit_report(admin_id, now=clock.now)}
    assert report["Flaky"].state == circuit.OPEN
    assert report["Flaky"].consecutive_failures == 5
    assert report["Flaky"].retry_at == report["Flaky"].opened_at + timedelta(seconds=60)
    assert report["Steady"].state == circuit.CLOSED

    answer = await plan(gateway, user_id, 5)  # open: skipped without a call
    assert answer.engine == "Steady"
    assert len(server.calls("flaky")) == 5
    assert [(r.provider_name, r.outcome) for r in attempts(answer.request_id)] == [
        ("Flaky", "circuit_open"), ("Steady", "ok")]

    clock.advance(60)  # cooldown over: one trial call, which succeeds and closes the circuit
    server.default("flaky", Reply(echo_draft=True))
    answer = await plan(gateway, user_id, 6)
    assert answer.engine == "Flaky"
    assert len(server.calls("flaky")) == 6
    view = next(v for v in providers.list_providers(admin_id) if v.id == flaky.id)
    assert view.circuit == circuit.CLOSED


async def test_a_failed_trial_opens_the_circuit_again(server, gateway, clock, admin_id, user_id, ai):
    ai.setenv("AI_CIRCUIT_FAILURES", "2")
    reload_settings()
    add_provider(admin_id, server, "Flaky", priority=1)
    add_provider(admin_id, server, "Steady", priority=2)
    server.default("flaky", Failure(500))
    server.default("steady", Reply(echo_draft=True))
    for seed in range(2):
        await plan(gateway, user_id, seed)
    clock.advance(61)
    await plan(gateway, user_id, 2)  # the trial fails
    assert len(server.calls("flaky")) == 3
    clock.advance(30)
    answer = await plan(gateway, user_id, 3)  # open again, cooldown counted from the trial
    assert [r.outcome for r in attempts(answer.request_id)][0] == "circuit_open"
    assert len(server.calls("flaky")) == 3


async def test_429_500_and_timeouts_each_count_as_failures(server, gateway, admin_id, user_id, ai):
    ai.setenv("AI_CIRCUIT_FAILURES", "3")
    reload_settings()
    add_provider(admin_id, server, "Shaky", priority=1, timeout_seconds=0.3)
    add_provider(admin_id, server, "Steady", priority=2)
    server.script("shaky", Failure(429, "slow down"), Failure(500), Reply(echo_draft=True, delay=1.5))
    server.default("steady", Reply(echo_draft=True))

    results = [await plan(gateway, user_id, seed) for seed in range(4)]

    assert [r.engine for r in results] == ["Steady"] * 4
    shaky = [r for r in attempts() if r.provider_name == "Shaky"]
    assert [r.outcome for r in shaky] == ["rate_limited", "error", "timeout", "circuit_open"]
    assert [r.error_class for r in shaky[:2]] == ["RateLimitError", "InternalServerError"]
    assert 250 <= shaky[2].latency_ms < 1500
    assert len(server.calls("shaky")) == 3


# --- what a provider says ---------------------------------------------------------------


async def test_a_plan_that_breaks_a_rule_is_never_shown(server, gateway, admin_id, user_id):
    add_provider(admin_id, server, "Sloppy", priority=1)
    add_provider(admin_id, server, "Careful", priority=2)
    server.default("sloppy", Reply(content=broken_plan()))
    server.default("careful", Reply(echo_draft=True))

    answer = await plan(gateway, user_id)

    assert answer.engine == "Careful"
    assert_valid(answer)
    sloppy = attempts(answer.request_id)[0]
    assert (sloppy.outcome, sloppy.error_class) == ("invalid", "PlanBreaksRules")
    assert "sets" in sloppy.error_message
    assert len(server.calls("sloppy")) == 1  # no repair for a readable plan that breaks rules


async def test_a_broken_plan_from_the_only_provider_leaves_the_built_in_plan(
        server, gateway, admin_id, user_id):
    add_provider(admin_id, server, "Sloppy")
    server.default("sloppy", Reply(content=broken_plan()))
    answer = await plan(gateway, user_id)
    assert (answer.engine, answer.reason) == ("builtin", "all_failed")
    assert answer.notice
    assert_valid(answer)
    assert answer.plan["days"][0]["exercises"][0]["sets"] != 40


async def test_unreadable_json_gets_exactly_one_repair_attempt(server, gateway, admin_id, user_id):
    add_provider(admin_id, server, "Messy", priority=1)
    add_provider(admin_id, server, "Backup", priority=2)
    server.script("messy", Reply(content='{"split": "full_body", "days": [ oops'), Reply(echo_draft=True))
    server.default("backup", Reply(echo_draft=True))

    answer = await plan(gateway, user_id, 1)

    assert answer.engine == "Messy"
    first, repair = server.calls("messy")
    assert repair.messages[:len(first.messages)] == first.messages
    assert repair.messages[-2] == {"role": "assistant", "content": '{"split": "full_body", "days": [ oops'}
    assert "could not be read as JSON" in repair.messages[-1]["content"]
    assert [r.outcome for r in attempts(answer.request_id)] == ["invalid", "ok"]

    server.script("messy", Reply(content="Sure! Here is your plan."), Reply(content="```json\n{\n```"))
    answer = await plan(gateway, user_id, 2)  # the repair fails too: on to the next provider
    assert answer.engine == "Backup"
    assert len(server.calls("messy")) == 4
    assert [(r.provider_name, r.outcome) for r in attempts(answer.request_id)] == [
        ("Messy", "invalid"), ("Messy", "invalid"), ("Backup", "ok")]


async def test_a_plan_that_breaks_a_coachs_rules_gets_one_repair_turn_naming_them(
        server, gateway, admin_id, user_id):
    add_provider(admin_id, server, "Lax", priority=1)
    add_provider(admin_id, server, "Backup", priority=2)
    assert validate_plan(json.loads(coachless_plan()), PROFILE, REQUEST) == []  # hard rules hold
    server.script("lax", Reply(content=coachless_plan()), Reply(echo_draft=True))
    server.default("backup", Reply(echo_draft=True))

    answer = await plan(gateway, user_id, 1)

    assert answer.engine == "Lax"
    assert validate_plan(answer.plan, PROFILE, REQUEST, soft=True) == []
    first, repair = server.calls("lax")
    assert repair.messages[:len(first.messages)] == first.messages
    assert repair.messages[-2] == {"role": "assistant", "content": coachless_plan()}
    assert "coaching rules" in repair.messages[-1]["content"]
    assert "- soft_variation:" in repair.messages[-1]["content"]
    lax = attempts(answer.request_id)
    assert [(r.outcome, r.error_class) for r in lax] == [
        ("invalid", "PlanBreaksSoftRules"), ("ok", "")]
    assert lax[0].error_message.startswith("soft_variation ")

    server.script("lax", Reply(content=coachless_plan(2)), Reply(content=coachless_plan(2)))
    answer = await plan(gateway, user_id, 2)  # the repair breaks them again: replaced
    assert answer.engine == "Backup"
    assert [(r.provider_name, r.outcome) for r in attempts(answer.request_id)] == [
        ("Lax", "invalid"), ("Lax", "invalid"), ("Backup", "ok")]


async def test_plans_ask_for_json_schema_output_where_the_provider_supports_it(
        server, gateway, admin_id, user_id):
    add_provider(admin_id, server, "Strict", priority=1)
    add_provider(admin_id, server, "Loose", priority=2, structured_output=False)
    server.refuse_json_schema("loose")
    server.script("strict", Failure(500))
    server.default("loose", Reply(echo_draft=True))

    answer = await plan(gateway, user_id)

    assert answer.engine == "Loose"
    strict, loose = server.calls()
    assert strict.response_format["type"] == "json_schema"
    assert strict.response_format["json_schema"]["strict"] is True
    assert strict.response_format["json_schema"]["schema"]["required"] == ["split", "days", "rest_days"]
    assert loose.response_format is None


async def test_an_azure_provider_goes_through_the_azure_client(server, gateway, admin_id, user_id):
    add_provider(admin_id, server, "Azure", kind="azure_openai", model="vigor-gpt",
                 base_url=server.base_url.removesuffix("/v1"), api_key="azure-key-0123456789abcdef",
                 api_version="2024-10-21")
    server.default("vigor-gpt", Reply(echo_draft=True))
    answer = await plan(gateway, user_id)
    assert answer.engine == "Azure"
    seen = server.calls("vigor-gpt")[0]
    assert seen.path == "/openai/deployments/vigor-gpt/chat/completions"
    assert seen.headers["api-key"] == "azure-key-0123456789abcdef"
    assert "max_completion_tokens" in seen.body


# --- money ------------------------------------------------------------------------------


@BOTH_DATABASES
async def test_cost_is_tokens_times_price_to_the_micro_dollar(server, gateway, admin_id, user_id):
    provider = add_provider(admin_id, server, "Priced", input_price_micros=150_000,
                            output_price_micros=600_000)
    server.script("priced", Reply(echo_draft=True, prompt_tokens=1234, completion_tokens=5678))

    answer = await plan(gateway, user_id)

    # (1234 x 150 000 + 5678 x 600 000) / 1 000 000 = 3591.9 -> 3592 micro-dollars
    assert answer.cost_micros == 3592
    row = next(r for r in attempts(answer.request_id) if r.final)
    assert (row.input_tokens, row.output_tokens, row.cost_micros) == (1234, 5678, 3592)
    assert (row.input_price_micros, row.output_price_micros) == (150_000, 600_000)
    assert row.reserved_micros >= row.cost_micros and row.settled_at is not None
    assert not row.usage_estimated
    keys = budgets.spend_keys(user_id, START, usage_windows(START, "UTC"))
    for key in [*keys.values(), budgets.provider_day_key(provider.id or 0, START)]:
        found = counter(key)
        assert found is not None and (found.used, found.reserved) == (3592, 0), key


@BOTH_DATABASES
async def test_a_cache_hit_makes_no_provider_call_and_costs_no_quota(
        server, gateway, clock, admin_id, user_id):
    add_provider(admin_id, server, "A")
    server.default("a", Reply(echo_draft=True))

    first = await plan(gateway, user_id, 7)
    clock.advance(3000)
    second = await plan(gateway, user_id, 7)

    assert (second.engine, second.reason) == ("A", "cache")
    assert second.plan == first.plan
    assert len(server.calls("a")) == 1
    assert quotas.usage(user_id, clock.now).windows[0].used == 1
    assert [(r.outcome, r.cache_hit, r.final) for r in attempts(second.request_id)] == [
        ("cached", True, True)]

    other = await plan(gateway, user_id, 8)  # another request: another call
    assert other.reason == "provider" and len(server.calls("a")) == 2
    someone = add_user("bob")
    assert (await plan(gateway, someone, 7)).reason == "provider"  # another person: no sharing
    clock.advance(601)  # past the hour
    assert (await plan(gateway, user_id, 7)).reason == "provider"
    assert len(server.calls("a")) == 4


@BOTH_DATABASES
async def test_fifty_concurrent_requests_against_a_quota_of_ten_serve_exactly_ten(
        server, gateway, admin_id, user_id):
    add_provider(admin_id, server, "A")
    server.default("a", Reply(echo_draft=True))

    answers = await asyncio.gather(*(plan(gateway, user_id, seed) for seed in range(50)))

    served = [a for a in answers if a.engine == "A"]
    assert len(served) == 10
    assert len(server.calls("a")) == 10
    refused = [a for a in answers if a.engine == "builtin"]
    assert {a.reason for a in refused} == {"quota"}
    assert refused[0].notice == (
        "You've used all 10 AI requests for today on the Free plan, so this plan comes from "
        "Vigor's built-in coach, which follows the same safety rules. AI answers are back tomorrow.")
    for answer in answers:
        assert_valid(answer)
    assert [w.used for w in quotas.usage(user_id, START).windows] == [10, 10, 10]


@BOTH_DATABASES
async def test_fifty_concurrent_requests_never_spend_past_a_budget(server, gateway, admin_id, user_id):
    quotas.set_user_tier(admin_id, user_id, "unlimited")
    add_provider(admin_id, server, "A", input_price_micros=1_000_000, output_price_micros=1_000_000,
                 max_output_tokens=4000)
    server.default("a", Reply(echo_draft=True))
    limit = 60_000  # $0.06: room for a handful of plans
    budgets.update_budget_settings(admin_id, weekly_limit_micros=limit)

    answers = await asyncio.gather(*(plan(gateway, user_id, seed) for seed in range(50)))

    rows = attempts()
    calls = [r for r in rows if r.provider_name == "A" and r.outcome != "skipped"]
    spent = sum(r.cost_micros for r in rows)
    reservation = max(r.reserved_micros for r in calls)
    assert spent <= limit + reservation  # the promise: never past by more than one reservation
    assert spent <= limit  # and in fact not at all: reservations are worst cases
    served = [a for a in answers if a.engine == "A"]
    assert 0 < len(served) == len(calls) == len(server.calls("a")) < 50
    assert {a.reason for a in answers if a.engine == "builtin"} == {"budget"}
    assert all(a.notice for a in answers if a.engine == "builtin")
    week = counter(budgets.spend_keys(user_id, START, usage_windows(START, "UTC"))["global_week"])
    assert week is not None and (week.used, week.reserved) == (spent, 0)
    # the quota units of the requests the budget stopped were given back
    assert quotas.usage(user_id, START).windows[0].used == len(served)


async def test_a_reached_auto_disable_budget_denies_with_a_notice(server, gateway, admin_id, user_id):
    add_provider(admin_id, server, "A", input_price_micros=1_000_000, output_price_micros=1_000_000)
    server.default("a", Reply(echo_draft=True))
    first = await plan(gateway, user_id, 1)
    budgets.update_budget_settings(admin_id, monthly_limit_micros=first.cost_micros,
                                   monthly_auto_disable=True)

    answer = await plan(gateway, user_id, 2)

    assert (answer.engine, answer.reason) == ("builtin", "budget")
    assert answer.notice == ("Vigor's AI coach is paused for the moment, so this plan comes from "
                             "Vigor's built-in coach, which follows the same safety rules.")
    assert len(server.calls("a")) == 1
    final = attempts(answer.request_id)[-1]
    assert (final.budget_decision, final.builtin_reason) == ("deny", "budget")
    assert quotas.usage(user_id, START).windows[0].used == 1


async def test_a_person_past_their_tier_budget_gets_the_built_in_plan(server, gateway, admin_id, user_id):
    add_provider(admin_id, server, "A", input_price_micros=1_000_000, output_price_micros=1_000_000)
    server.default("a", Reply(echo_draft=True))
    first = await plan(gateway, user_id, 1)
    quotas.set_tier_limits(admin_id, "free", daily=10, weekly=50, monthly=200,
                           monthly_budget_micros=first.cost_micros)
    answer = await plan(gateway, user_id, 2)
    assert (answer.engine, answer.reason) == ("builtin", "budget")
    assert answer.notice and answer.notice.startswith("You've used this month's AI allowance on the Free plan")
    other = add_user("bob", tier="premium")  # a budget per person: Bob's is untouched
    assert (await plan(gateway, other, 2)).engine == "A"


async def test_past_the_alert_threshold_the_cheaper_provider_answers(server, gateway, admin_id, user_id):
    add_provider(admin_id, server, "Premium", priority=1, input_price_micros=5_000_000,
                 output_price_micros=15_000_000)
    add_provider(admin_id, server, "Budget", priority=2, input_price_micros=100_000,
                 output_price_micros=400_000)
    server.default("premium", Reply(echo_draft=True))
    server.default("budget", Reply(echo_draft=True))
    first = await plan(gateway, user_id, 1)
    assert first.engine == "Premium"
    # 85 % of the week's budget is spent; the budget only alerts (no auto-disable)
    budgets.update_budget_settings(admin_id, weekly_limit_micros=first.cost_micros * 100 // 85,
                                   weekly_auto_disable=False)

    answer = await plan(gateway, user_id, 2)

    assert answer.engine == "Budget"
    assert [r.model for r in server.calls()] == ["premium", "budget"]
    assert attempts(answer.request_id)[-1].budget_decision == "downgrade"


async def test_inside_the_off_peak_window_the_cheaper_provider_answers(
        server, gateway, clock, admin_id, user_id):
    add_provider(admin_id, server, "Premium", priority=1, input_price_micros=5_000_000,
                 output_price_micros=15_000_000)
    add_provider(admin_id, server, "Budget", priority=2, input_price_micros=100_000,
                 output_price_micros=400_000)
    server.default("premium", Reply(echo_draft=True))
    server.default("budget", Reply(echo_draft=True))
    # 22:00-06:00 in Berlin; the clock says 12:00 UTC (13:00 in Berlin): peak
    budgets.update_budget_settings(admin_id, offpeak_start_minute=22 * 60, offpeak_end_minute=6 * 60,
                                   offpeak_timezone="Europe/Berlin")
    assert (await plan(gateway, user_id, 1)).engine == "Premium"
    clock.now = datetime(2026, 11, 18, 23, 30, tzinfo=UTC)  # 00:30 in Berlin
    assert (await plan(gateway, user_id, 2)).engine == "Budget"


@BOTH_DATABASES
async def test_off_peak_the_admins_preferred_provider_answers_first(
        server, gateway, clock, admin_id, user_id):
    add_provider(admin_id, server, "Premium", priority=1, input_price_micros=5_000_000,
                 output_price_micros=15_000_000)
    add_provider(admin_id, server, "Budget", priority=2, input_price_micros=100_000,
                 output_price_micros=400_000)
    local = add_provider(admin_id, server, "Night", priority=3, input_price_micros=1_000_000,
                         output_price_micros=1_000_000)
    for model in ("premium", "budget", "night"):
        server.default(model, Reply(echo_draft=True))
    budgets.update_budget_settings(admin_id, offpeak_start_minute=22 * 60, offpeak_end_minute=6 * 60,
                                   offpeak_timezone="Europe/Berlin", offpeak_provider_id=local.id)
    assert (await plan(gateway, user_id, 1)).engine == "Premium"  # peak: priority order
    clock.now = datetime(2026, 11, 18, 23, 30, tzinfo=UTC)  # 00:30 in Berlin
    assert (await plan(gateway, user_id, 2)).engine == "Night"  # preferred, though not the cheapest
    providers.set_enabled(admin_id, local.id, False)
    assert (await plan(gateway, user_id, 3)).engine == "Budget"  # a disabled choice: the cheapest
    providers.delete_provider(admin_id, local.id)
    assert budgets.get_budget_settings(admin_id).offpeak_provider_id is None  # ON DELETE SET NULL


async def test_a_provider_over_its_daily_cap_is_skipped(server, gateway, admin_id, user_id):
    add_provider(admin_id, server, "Capped", priority=1, input_price_micros=1_000_000,
                 output_price_micros=1_000_000, daily_cap_micros=1000)
    add_provider(admin_id, server, "Free", priority=2)
    server.default("free", Reply(echo_draft=True))
    answer = await plan(gateway, user_id)
    assert answer.engine == "Free"
    assert server.calls("capped") == []
    assert [(r.provider_name, r.outcome, r.error_class) for r in attempts(answer.request_id)] == [
        ("Capped", "skipped", "DailyCap"), ("Free", "ok", "")]


async def test_a_cancelled_request_settles_its_call_at_the_worst_case(server, gateway, admin_id, user_id):
    add_provider(admin_id, server, "A", input_price_micros=1_000_000, output_price_micros=1_000_000)
    server.default("a", Reply(echo_draft=True, delay=1.0))
    task = asyncio.create_task(plan(gateway, user_id))
    for _ in range(200):  # wait until the call is in flight, money reserved
        await asyncio.sleep(0.01)
        if server.calls("a"):
            break
    task.cancel()  # the person went away
    with pytest.raises(asyncio.CancelledError):
        await task
    row = attempts()[0]
    assert (row.outcome, row.error_class, row.usage_estimated) == ("abandoned", "Cancelled", True)
    assert row.cost_micros == row.reserved_micros and row.settled_at is not None
    key = budgets.spend_keys(user_id, START, usage_windows(START, "UTC"))["global_month"]
    assert (counter(key).used, counter(key).reserved) == (row.cost_micros, 0)


async def test_reservations_left_by_a_crashed_worker_are_settled_at_their_worst_case(
        server, admin_id, user_id):
    provider = add_provider(admin_id, server, "A")
    spend = budgets.spend_keys(user_id, START, usage_windows(START, "UTC"))
    with db.transaction() as session:  # what a worker does before its call... and then dies
        states = [budgets.Budget(name, key, None, False) for name, key in spend.items()]
        taken = budgets.reserve(session, states, provider.id or 0, None, 777, START)
        keys = taken.keys
        assert taken.refused is None
        attempt_id = attempts_service.add_one(session, attempts_service.row(
            created_at=START, request_id="crashed", user_id=user_id, feature="plan",
            outcome="pending", provider_id=provider.id, provider_name="A", reserved_micros=777,
            reservation_keys=list(keys)))

    assert budgets.release_stale_reservations(START + timedelta(minutes=5)) == 0
    assert counter(spend["global_month"]).reserved == 777
    assert budgets.release_stale_reservations(START + timedelta(minutes=16)) == 1
    assert budgets.release_stale_reservations(START + timedelta(minutes=17)) == 0
    for key in keys:
        assert (counter(key).used, counter(key).reserved) == (777, 0)
    row = next(r for r in attempts() if r.id == attempt_id)
    assert (row.outcome, row.error_class, row.cost_micros) == ("error", "Abandoned", 777)


async def test_admins_can_read_recent_attempts(server, gateway, admin_id, user_id):
    add_provider(admin_id, server, "A")
    server.default("a", Reply(echo_draft=True))
    answer = await plan(gateway, user_id)
    recent = attempts_service.recent(admin_id)
    assert [(a.request_id, a.provider, a.outcome, a.final) for a in recent] == [
        (answer.request_id, "A", "ok", True)]
    with pytest.raises(PermissionDenied):
        attempts_service.recent(user_id)


# --- secrets ----------------------------------------------------------------------------


async def test_an_api_key_never_reaches_logs_answers_or_records(server, gateway, admin_id, user_id, caplog):
    key = "sk-live-TOPSECRET-5f1e2d3c4b5a6978"
    caplog.set_level(logging.DEBUG)
    add_provider(admin_id, server, "Leaky", priority=1, api_key=key)
    add_provider(admin_id, server, "Backup", priority=2)
    server.script("leaky", Failure(401, "denied", echo_key=True))
    server.default("backup", Reply(echo_draft=True))

    answer = await plan(gateway, user_id)
    chunks = [c async for c in gateway.stream_chat(user_id, "chat", [{"role": "user", "content": "hi"}],
                                                   builtin=lambda: "hello")]

    assert server.calls("leaky")[0].api_key == key  # it was sent to the provider...
    assert answer.engine == "Backup"
    assert "TOPSECRET" not in caplog.text  # ...and nowhere else
    assert "TOPSECRET" not in repr(answer) and "TOPSECRET" not in repr(chunks)
    with db.read_only() as session:
        configs = providers.enabled_configs(session)
        audit_rows = session.exec(select(AuditEntry)).all()
    assert "TOPSECRET" not in repr(configs) and "TOPSECRET" not in str(configs)
    assert "TOPSECRET" not in repr(providers.list_providers(admin_id))
    assert all("TOPSECRET" not in f"{e.before}{e.after}" for e in audit_rows)
    leaky = [r for r in attempts() if r.provider_name == "Leaky"]
    assert leaky[0].error_class == "AuthenticationError"
    assert "incorrect API key provided" in leaky[0].error_message
    assert all("TOPSECRET" not in r.error_message for r in leaky)
    assert "6978" in leaky[0].error_message  # redacted to its last four


async def test_part_of_an_api_key_echoed_by_a_provider_is_not_stored(server, gateway, admin_id, user_id, caplog):
    key = "sk-live-TOPSECRET-5f1e2d3c4b5a6978"
    caplog.set_level(logging.DEBUG)
    add_provider(admin_id, server, "Leaky", priority=1, api_key=key)
    add_provider(admin_id, server, "Backup", priority=2)
    server.script("leaky", Failure(401, f"incorrect API key provided: {key[:24]}"))
    server.default("backup", Reply(echo_draft=True))

    answer = await plan(gateway, user_id)

    assert answer.engine == "Backup"
    [leaky] = [r for r in attempts() if r.provider_name == "Leaky"]
    assert "incorrect API key provided: \u2022\u2022\u2022\u2022" in leaky.error_message
    runs = [key[i:i + 8] for i in range(len(key) - 7)]
    assert [run for run in runs if run in leaky.error_message or run in caplog.text] == []


async def test_an_unreadable_key_skips_its_provider(server, gateway, admin_id, user_id, ai):
    add_provider(admin_id, server, "Old", priority=1)
    add_provider(admin_id, server, "New", priority=2, kind="openai_compatible", api_key=None)
    server.default("new", Reply(echo_draft=True))
    ai.setenv("SECRET_KEY", "a-different-secret-key-entirely")
    reload_settings()
    answer = await plan(gateway, user_id)
    assert answer.engine == "New"
    assert server.calls("old") == []
    assert attempts(answer.request_id)[0].error_class == "KeyUnreadable"


async def test_quota_windows_follow_the_persons_time_zone(server, gateway, clock, admin_id, ai):
    tokyo = add_user("kenji", timezone="Asia/Tokyo")
    quotas.set_tier_limits(admin_id, "free", daily=1, weekly=50, monthly=200,
                           monthly_budget_micros=5_000_000)
    add_provider(admin_id, server, "A")
    server.default("a", Reply(echo_draft=True))
    clock.now = datetime(2026, 11, 18, 14, 30, tzinfo=UTC)  # 23:30 in Tokyo
    assert (await plan(gateway, tokyo, 1)).engine == "A"
    clock.advance(20 * 60)  # 23:50 in Tokyo: the same day
    assert (await plan(gateway, tokyo, 2)).reason == "quota"
    clock.advance(15 * 60)  # 00:05 in Tokyo, still the 18th in UTC: a new day for Kenji
    assert (await plan(gateway, tokyo, 3)).engine == "A"


async def test_an_admin_override_lifts_the_quota_until_it_expires(server, gateway, clock, admin_id, user_id):
    quotas.set_tier_limits(admin_id, "free", daily=1, weekly=50, monthly=200,
                           monthly_budget_micros=5_000_000)
    add_provider(admin_id, server, "A")
    server.default("a", Reply(echo_draft=True))
    assert (await plan(gateway, user_id, 1)).engine == "A"
    assert (await plan(gateway, user_id, 2)).reason == "quota"
    quotas.grant_override(admin_id, user_id, daily=3, expires_at=clock.now + timedelta(hours=1),
                          reason="Beta tester", now=clock.now)
    assert (await plan(gateway, user_id, 3)).engine == "A"
    clock.advance(3601)
    assert (await plan(gateway, user_id, 4)).reason == "quota"
