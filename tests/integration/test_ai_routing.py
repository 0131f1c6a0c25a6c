"""Routing per feature and tier, "switch now", experiments: through the real gateway, the
real openai SDK and the local OpenAI-compatible server, on a fresh migrated database. The
precedence (switch, experiment, tier rule, feature order, global order, built-in last) is
checked as a table, then each rule once end to end with what the attempts record."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from sqlmodel import col, select

from tests.factories import add_user
from tests.fakes.openai_server import Failure, Reply
from vigor_app import db
from vigor_app.models import AiAttempt, AiRoute, AuditEntry
from vigor_app.services.ai import experiments, feedback, providers, routing, routing_rules
from vigor_app.services.ai.gateway import Gateway
from vigor_app.services.ai.providers import ProviderConfig, ProviderInput
from vigor_app.services.errors import NotFound, PermissionDenied, ValidationError
from vigor_app.services.plans import ai_plans, library
from vigor_app.services.plans.request import PlanRequest, Profile

START = datetime(2026, 11, 18, 12, 0, tzinfo=UTC)
PROFILE = Profile(days_per_week=3, equipment=("dumbbells", "bench"))


def _config(provider_id: int) -> ProviderConfig:
    return ProviderConfig(id=provider_id, name=f"P{provider_id}", kind="openai_compatible", base_url="",
                          model=f"m{provider_id}", api_version=None, api_key=None, priority=provider_id,
                          input_price_micros=0, output_price_micros=0, timeout_s=10, max_output_tokens=1000,
                          daily_cap_micros=None, structured_output=False, version="1")


ENABLED = [_config(i) for i in (1, 2, 3, 4, 5)]


def _ids(route: routing.Route) -> list[int]:
    return [p.id for p in route.providers]


# --- precedence, as a table -------------------------------------------------------------------

def test_precedence_switch_experiment_tier_feature_global():
    everything = routing.Rules(orders={("plan", None): (3, 2), ("plan", "premium"): (4,)},
                               switches={"plan": (7, 5)},
                               experiments={"plan": routing.Experiment(9, provider_a=1, provider_b=1, split_a=50)})
    cases: list[tuple[routing.Rules, str, str, list[int]]] = [
        (everything, "premium", routing.SWITCH, [5, 4]),  # the switch, then the order it overrides
        (routing.Rules(orders=everything.orders, experiments=everything.experiments), "premium",
         routing.EXPERIMENT, [1, 4]),
        (routing.Rules(orders=everything.orders), "premium", routing.TIER, [4]),
        (routing.Rules(orders=everything.orders), "free", routing.FEATURE, [3, 2]),
        (routing.Rules(), "free", routing.GLOBAL, [1, 2, 3, 4, 5]),
    ]
    for rules, tier, rule, order in cases:
        route = routing.choose(rules, "plan", tier, 42, ENABLED)
        assert (route.rule, _ids(route)) == (rule, order), (rule, tier)
    # Another feature is untouched by the plan's rules.
    assert routing.choose(everything, "chat", "premium", 42, ENABLED).rule == routing.GLOBAL


def test_a_rule_whose_providers_are_all_off_gives_way_to_the_next():
    rules = routing.Rules(orders={("chat", None): (9,), ("chat", "premium"): (8,)}, switches={"chat": (1, 7)},
                          experiments={"chat": routing.Experiment(3, provider_a=6, provider_b=6, split_a=50)})
    route = routing.choose(rules, "chat", "premium", 1, ENABLED)  # providers 6 to 9 are not enabled
    assert (route.rule, _ids(route)) == (routing.GLOBAL, [1, 2, 3, 4, 5])
    assert route.experiment_id is None and route.arm is None


def test_members_are_split_stably_within_one_percent_of_the_target():
    for split in (50, 20, 90):
        arms = [routing.arm_of(17, user, split) for user in range(1, 10_001)]
        share = arms.count(routing.ARM_A) / len(arms)
        assert abs(share - split / 100) <= 0.01, (split, share)
        assert arms == [routing.arm_of(17, user, split) for user in range(1, 10_001)]  # the same, always
    # Another experiment shuffles members afresh (not the same half every time).
    first = [routing.arm_of(17, user, 50) for user in range(1, 1001)]
    second = [routing.arm_of(18, user, 50) for user in range(1, 1001)]
    assert 400 < sum(a != b for a, b in zip(first, second, strict=True)) < 600


# --- end to end through the gateway -----------------------------------------------------------

@pytest.fixture
def gateway() -> Gateway:
    return Gateway(clock=lambda: START)


@pytest.fixture
def admin_id(ai) -> int:
    return add_user("boss", "admin")


def add_provider(admin: int, server, name: str, priority: int) -> int:
    view = providers.create_provider(admin, ProviderInput(
        name=name, model=name.lower(), priority=priority, kind="openai_compatible", base_url=server.base_url,
        api_key=f"sk-{name.lower()}-0123456789abcdef", timeout_seconds=10.0))
    server.default(name.lower(), Reply(echo_draft=True))
    return view.id


_seeds = iter(range(1, 1_000_000))


async def _plan(gateway: Gateway, user_id: int) -> Any:
    """A plan; a new seed each time, so no answer comes from the cache."""
    return await ai_plans.generate(user_id, PROFILE, PlanRequest(), next(_seeds), gateway=gateway)


def _rows(request_id: str) -> list[AiAttempt]:
    with db.read_only() as session:
        return list(session.exec(select(AiAttempt).where(AiAttempt.request_id == request_id)
                                 .order_by(col(AiAttempt.id))).all())


async def test_each_rule_routes_the_request_and_the_attempts_say_which(server, gateway, admin_id):
    cheap = add_provider(admin_id, server, "Cheap", 10)
    strong = add_provider(admin_id, server, "Strong", 20)
    spare = add_provider(admin_id, server, "Spare", 30)
    free, premium = add_user("fay"), add_user("pat", tier="premium")

    answer = await _plan(gateway, free)  # no rule: the global order
    assert answer.engine == "Cheap" and {r.route for r in _rows(answer.request_id)} == {"global"}

    routing_rules.set_order(admin_id, "plan", [spare, cheap])
    routing_rules.set_order(admin_id, "plan", [strong], tier="premium")
    answer = await _plan(gateway, free)
    assert (answer.engine, [r.route for r in _rows(answer.request_id)]) == ("Spare", ["feature"])
    answer = await _plan(gateway, premium)
    assert (answer.engine, [r.route for r in _rows(answer.request_id)]) == ("Strong", ["tier"])

    routing_rules.switch_now(admin_id, "plan", cheap, reason="Spare is slow today")
    answer = await _plan(gateway, premium)
    assert (answer.engine, [r.route for r in _rows(answer.request_id)]) == ("Cheap", ["switch"])
    # A switched-to provider that fails: the order it overrode answers, the built-in engine last.
    server.script("cheap", Failure(500))
    answer = await _plan(gateway, premium)
    assert [(r.provider_name, r.outcome, r.route) for r in _rows(answer.request_id)] == [
        ("Cheap", "error", "switch"), ("Strong", "ok", "switch")]
    assert routing_rules.switch_back(admin_id, "plan") is True
    assert routing_rules.switch_back(admin_id, "plan") is False
    answer = await _plan(gateway, premium)
    assert answer.engine == "Strong"

    with db.read_only() as session:
        actions = [e.action for e in session.exec(select(AuditEntry).order_by(col(AuditEntry.id))).all()]
    assert actions[-4:] == ["ai.route_changed", "ai.route_changed", "ai.switched", "ai.switched_back"]


async def test_every_provider_failing_still_ends_at_the_built_in_engine(server, gateway, admin_id):
    only = add_provider(admin_id, server, "Only", 10)
    routing_rules.switch_now(admin_id, "plan", only)
    server.default("only", Failure(500))
    answer = await _plan(gateway, add_user("ann"))
    assert answer.engine == "builtin" and answer.reason == "all_failed"
    assert [r.route for r in _rows(answer.request_id)] == ["switch", "switch"]


async def test_an_experiment_assigns_members_stably_compares_the_arms_and_promotes_the_winner(
        server, gateway, admin_id):
    a = add_provider(admin_id, server, "Alpha", 10)
    b = add_provider(admin_id, server, "Beta", 20)
    server.default("beta", Reply(echo_draft=True, delay=0.05))
    started = experiments.start(admin_id, name="Alpha vs Beta", feature="plan", provider_a=a, provider_b=b,
                                split_a=50)
    members = [add_user(f"m{i}") for i in range(12)]
    engines = {}
    for member in members:
        answer = await _plan(gateway, member)
        engines[member] = answer.engine
        [row] = _rows(answer.request_id)
        assert (row.route, row.experiment_id) == ("experiment", started.id)
        assert row.arm == routing.arm_of(started.id, member, 50)
        assert answer.engine == {"a": "Alpha", "b": "Beta"}[row.arm]
    again = await _plan(gateway, members[0])  # the same member, the same arm
    assert again.engine == engines[members[0]]

    arm_a, arm_b = experiments.compare(admin_id, started.id)
    expected_a = sum(1 for m in members if routing.arm_of(started.id, m, 50) == "a")
    assert (arm_a.provider, arm_b.provider) == ("Alpha", "Beta")
    assert arm_a.members == expected_a and arm_b.members == 12 - expected_a
    assert arm_a.requests + arm_b.requests == 13
    assert arm_a.validity_rate == 1.0 and arm_b.validity_rate == 1.0
    assert arm_b.latency_p50_ms is not None and arm_b.latency_p50_ms >= 50
    assert arm_a.served == arm_a.requests and arm_a.cost_per_request_micros is not None

    # Members rate the plans the arms wrote: the votes are counted per arm.
    in_a = next(m for m in members if routing.arm_of(started.id, m, 50) == "a")
    in_b = next(m for m in members if routing.arm_of(started.id, m, 50) == "b")
    for member, vote in ((in_a, 1), (in_b, -1)):
        made = await library.create_plan_via_gateway(member, seed=next(_seeds))
        feedback.give(member, feedback.PLAN, made.plan.id, vote)
    arm_a, arm_b = experiments.compare(admin_id, started.id)
    assert (arm_a.helped, arm_a.not_helped, arm_b.helped, arm_b.not_helped) == (1, 0, 0, 1)
    assert arm_a.helped_share == 1.0 and arm_b.helped_share == 0.0

    with pytest.raises(ValidationError):  # one experiment per feature at a time
        experiments.start(admin_id, name="Again", feature="plan", provider_a=a, provider_b=b)
    promoted = experiments.promote(admin_id, started.id, "b")
    assert (promoted.status, promoted.winner) == ("stopped", "b")
    with db.read_only() as session:
        route = session.exec(select(AiRoute).where(AiRoute.feature == "plan")).one()
    assert route.provider_ids == [b, a]
    answer = await _plan(gateway, members[0])
    assert answer.engine == "Beta" and [r.route for r in _rows(answer.request_id)] == ["feature"]


async def test_a_switch_beats_a_running_experiment(server, gateway, admin_id):
    a = add_provider(admin_id, server, "Alpha", 10)
    b = add_provider(admin_id, server, "Beta", 20)
    c = add_provider(admin_id, server, "Gamma", 30)
    experiments.start(admin_id, name="A/B", feature="plan", provider_a=a, provider_b=b, split_a=50)
    routing_rules.switch_now(admin_id, "plan", c, reason="incident")
    answer = await _plan(gateway, add_user("zed"))
    [row] = _rows(answer.request_id)
    assert (answer.engine, row.route, row.experiment_id, row.arm) == ("Gamma", "switch", None, None)


# --- the admin services' checks ---------------------------------------------------------------

def test_only_admins_change_routing_and_bad_input_changes_nothing(server, admin_id):
    member = add_user("mo")
    p = add_provider(admin_id, server, "Alpha", 10)
    q = add_provider(admin_id, server, "Beta", 20)
    with pytest.raises(PermissionDenied):
        routing_rules.set_order(member, "plan", [p])
    with pytest.raises(PermissionDenied):
        routing_rules.switch_now(member, "plan", p)
    with pytest.raises(PermissionDenied):
        experiments.start(member, name="x", feature="plan", provider_a=p, provider_b=q)
    for feature, ids, tier in (("poetry", [p], None), ("plan", [p, p], None), ("plan", [999], None),
                               ("plan", [p], "gold"), ("plan", list(range(11)), None)):
        with pytest.raises((ValidationError, NotFound)):
            routing_rules.set_order(admin_id, feature, ids, tier=tier)
    for bad in ({"split_a": 0}, {"split_a": 100}, {"provider_b": p}, {"name": ""}, {"name": "x" * 81},
                {"provider_a": 999}):
        values: dict[str, Any] = {"name": "Test", "feature": "plan", "provider_a": p, "provider_b": q, **bad}
        with pytest.raises((ValidationError, NotFound)):
            experiments.start(admin_id, **values)
    providers.set_enabled(admin_id, q, False)
    with pytest.raises(ValidationError):
        routing_rules.switch_now(admin_id, "plan", q)
    with pytest.raises(ValidationError):
        routing_rules.switch_now(admin_id, "plan", p, reason="line\nbreak")
    assert routing_rules.orders(admin_id) == [] and routing_rules.switches(admin_id) == []
    assert experiments.listed(admin_id) == []
    # An empty order removes the rule.
    routing_rules.set_order(admin_id, "chat", [p])
    assert [o.provider_names for o in routing_rules.orders(admin_id)] == [["Alpha"]]
    assert routing_rules.set_order(admin_id, "chat", []) is None
    assert routing_rules.orders(admin_id) == []


async def test_while_an_experiment_runs_its_feature_is_answered_afresh_not_from_the_cache(
        server, gateway, admin_id):
    a = add_provider(admin_id, server, "Alpha", 10)
    b = add_provider(admin_id, server, "Beta", 20)
    member = add_user("cache")
    seed = next(_seeds)

    async def same_plan() -> Any:
        return await ai_plans.generate(member, PROFILE, PlanRequest(), seed, gateway=gateway)

    first = await same_plan()
    again = await same_plan()  # no experiment: the same question is answered from the cache
    assert [r.outcome for r in _rows(again.request_id)] == ["cached"]
    started = experiments.start(admin_id, name="Fresh", feature="plan", provider_a=a, provider_b=b)
    tested = await same_plan()
    [row] = _rows(tested.request_id)
    assert (row.outcome, row.route, row.experiment_id) == ("ok", "experiment", started.id)
    experiments.stop(admin_id, started.id)
    assert [r.outcome for r in _rows((await same_plan()).request_id)] == ["cached"]
    assert first.engine == "Alpha"
