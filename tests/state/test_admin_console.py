"""Every admin console handler: a normal user calling it directly is refused and nothing
changes; an admin's change leaves an audit row with the values before and after."""

import inspect
import json
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlmodel import select

from tests.factories import make_admin, make_user
from tests.fakes.openai_server import Reply
from vigor_app import db
from vigor_app.clock import utcnow
from vigor_app.models import (
    AiBudgetSettings,
    AiCounter,
    AiExperiment,
    AiProvider,
    AiQuotaOverride,
    AiRoute,
    AiSwitch,
    AiTierLimit,
    AuditEntry,
    User,
)
from vigor_app.services.admin import accounts as admin
from vigor_app.services.ai import (
    attempts,
    budgets,
    counters,
    experiments,
    providers,
    quotas,
    routing_rules,
)
from vigor_app.services.ai.windows import usage_windows
from vigor_app.state.admin import AdminConsoleState, AdminState
from vigor_app.state.admin_budgets import BudgetsState, TiersState
from vigor_app.state.admin_providers import ProvidersState
from vigor_app.state.admin_routing import RoutingState
from vigor_app.state.admin_usage import AuditState, SystemState, UsageState

FORM = {"name": "Evil", "kind": "openai_compatible", "base_url": "http://127.0.0.1:9/v1", "model": "evil",
        "api_key": "", "input_price": "0", "output_price": "0", "timeout_seconds": "5",
        "max_output_tokens": "100", "enabled": "on"}
BUDGET_FORM = {"weekly_limit": "0", "weekly_auto_disable": "on", "monthly_limit": "0", "alert_percent": "1"}
TIER_FORM = {"tier": "free", "free-daily": "100000", "free-weekly": "100000", "free-monthly": "100000",
             "free-monthly_budget": "1000"}
OVERRIDE_FORM = {"daily": "9999", "expires_at": (date.today() + timedelta(days=30)).isoformat(),
                 "reason": "all mine"}

# (state, handler, arguments: "victim" and "provider" stand for those ids)
HANDLERS = [
    (AdminState, "load", ()),
    (AdminState, "load_users", ()),
    (AdminState, "set_search", ("vic",)),
    (AdminState, "set_role", ("victim", "admin")),
    (AdminState, "set_active", ("victim", False)),
    (AdminState, "open_user", ("victim",)),
    (AdminState, "set_manage_open", (False,)),
    (AdminState, "change_tier", ({"tier": "unlimited"},)),
    (AdminState, "set_manage_active", (False,)),
    (AdminState, "grant_override", (OVERRIDE_FORM,)),
    (AdminState, "revoke_override", ("override",)),
    (AdminState, "download_csv", ("victim",)),
    (AdminConsoleState, "notify_budget_alerts", ()),
    (ProvidersState, "load", ()),
    (ProvidersState, "new_provider", ()),
    (ProvidersState, "edit_provider", ("provider",)),
    (ProvidersState, "set_form_open", (True,)),
    (ProvidersState, "set_form_kind", ("azure_openai",)),
    (ProvidersState, "save_provider", (FORM,)),
    (ProvidersState, "set_enabled", ("provider", False)),
    (ProvidersState, "move", ("provider", "up")),
    (ProvidersState, "reset_circuit", ("provider",)),
    (ProvidersState, "ask_delete", ("provider", "Second")),
    (ProvidersState, "set_delete_open", (True,)),
    (ProvidersState, "confirm_delete", ()),
    (ProvidersState, "test_connection", ("provider",)),
    (BudgetsState, "load", ()),
    (BudgetsState, "save", (BUDGET_FORM,)),
    (TiersState, "load", ()),
    (TiersState, "save", (TIER_FORM,)),
    (UsageState, "load", ()),
    (UsageState, "set_days", ("7",)),
    (AuditState, "load", ()),
    (AuditState, "set_action", ("user.set_role",)),
    (AuditState, "set_by", ("system",)),
    (SystemState, "load", ()),
    (RoutingState, "load", ()),
    (RoutingState, "switch_now", ({"switch_feature": "plan", "provider_id": "provider", "reason": "mine"},)),
    (RoutingState, "switch_back", ("plan",)),
    (RoutingState, "save_order", ({"order_feature": "plan", "order_tier": "", "first": "provider"},)),
    (RoutingState, "remove_order", ("chat", "")),
    (RoutingState, "start_experiment", ({"name": "Mine", "experiment_feature": "chat", "provider_a": "provider",
                                         "provider_b": "first", "split_a": "50"},)),
    (RoutingState, "stop_experiment", ("experiment",)),
    (RoutingState, "promote", ("experiment", "a")),
]
# What a refused handler must have left empty in the state it answered for.
LOADED = {
    AdminState: ("users", "audit_rows", "summary", "manage", "overrides", "manage_usage"),
    ProvidersState: ("providers",),
    BudgetsState: ("budgets", "values"),
    TiersState: ("tiers",),
    UsageState: ("totals", "provider_rows", "feature_rows", "top_users", "calls_chart", "series", "feedback_rows",
                 "feedback_reasons"),
    AuditState: ("rows", "actions", "actors"),
    SystemState: ("checks", "provider_health", "health_json"),
    AdminConsoleState: ("budget_banner",),
    RoutingState: ("features", "orders", "experiments", "provider_choices"),
}


def _snapshot() -> dict:
    """Everything an admin handler could change."""
    with db.read_only() as session:
        def rows(model, *names):
            return sorted(tuple(getattr(r, n) for n in names) for r in session.exec(select(model)).all())

        return {
            "users": rows(User, "id", "role", "tier", "is_active"),
            "providers": rows(AiProvider, "id", "name", "model", "priority", "enabled", "updated_at"),
            "budgets": rows(AiBudgetSettings, "id", "weekly_limit_micros", "monthly_limit_micros", "alert_percent"),
            "tiers": rows(AiTierLimit, "tier", "daily", "weekly", "monthly", "monthly_budget_micros"),
            "overrides": rows(AiQuotaOverride, "id", "user_id", "daily", "revoked_at"),
            "counters": rows(AiCounter, "key", "used", "reserved"),
            "audit": rows(AuditEntry, "id", "action"),
            "routes": rows(AiRoute, "id", "feature", "tier", "updated_at"),
            "switches": rows(AiSwitch, "id", "feature", "provider_id", "ended_at"),
            "experiments": rows(AiExperiment, "id", "status", "winner"),
        }


async def _run(tab, state_cls, handler: str, args: tuple, path: str = "/admin"):
    state, result = tab.call(state_cls, handler, *args, path=path)
    if inspect.iscoroutine(result):
        result = await result
    return state, result


@pytest.fixture
def world(browser, openai_server):
    openai_server.reset()
    openai_server.default("probe", Reply(content="ready"))
    boss = make_admin()
    victim = make_user("victim")
    first = providers.create_provider(boss.user.id, providers.ProviderInput(
        name="First", kind="openai_compatible", model="probe", base_url=openai_server.base_url, priority=10))
    second = providers.create_provider(boss.user.id, providers.ProviderInput(
        name="Second", kind="openai_compatible", model="probe", base_url=openai_server.base_url, priority=20))
    override = quotas.grant_override(boss.user.id, victim.user.id, daily=20, reason="Existing grant",
                                     expires_at=datetime(2099, 1, 1, tzinfo=UTC))
    budgets.update_budget_settings(boss.user.id, weekly_limit_micros=1_000, alert_percent=50)
    with db.transaction() as session:  # spend past the alert: a handler could try to send it
        now = utcnow()
        keys = budgets.spend_keys(0, now, usage_windows(now, "UTC"))
        counters.take(session, {keys[budgets.GLOBAL_WEEK]: None}, 900, now)
        attempts.add(session, [attempts.row(created_at=now, request_id="r1", user_id=victim.user.id,
                                            feature="plan", outcome="ok", provider_id=first.id,
                                            provider_name="First", cost_micros=900, final=True, engine="First")])
    routing_rules.set_order(boss.user.id, "chat", [second.id, first.id])
    experiment = experiments.start(boss.user.id, name="First or second", feature="motivation",
                                   provider_a=first.id, provider_b=second.id)
    ids = {"victim": str(victim.user.id), "provider": str(second.id), "override": str(override.id),
           "first": str(first.id), "experiment": str(experiment.id)}
    return boss, victim, ids, openai_server


@pytest.mark.parametrize(("state_cls", "handler", "args"), HANDLERS,
                         ids=[f"{s.__name__}.{h}" for s, h, _ in HANDLERS])
async def test_a_normal_user_calling_an_admin_handler_is_refused_and_nothing_changes(
        browser, world, state_cls, handler, args):
    _, _, ids, server = world
    mallory = make_user("mallory")
    args = tuple(ids.get(a, a) if isinstance(a, str) else a for a in args)
    before = _snapshot()
    tab = browser()
    tab.state(state_cls).session_token = mallory.token
    # Whatever earlier events set up server-side (a dialog's target, say), a refused handler uses none.
    if state_cls is AdminState:
        tab.state(AdminState)._manage_id = int(ids["victim"])
    if state_cls is ProvidersState:
        tab.state(ProvidersState)._delete_id = int(ids["provider"])
        tab.state(ProvidersState)._editing_id = int(ids["provider"])
    state, _ = await _run(tab, state_cls, handler, args)
    assert _snapshot() == before
    assert server.calls("probe") == []
    assert not state.is_admin
    for name in LOADED[state_cls]:
        assert not getattr(state, name), f"{state_cls.__name__}.{name} holds admin data"


def test_every_admin_handler_is_covered_here():
    covered = {(s.__name__, h) for s, h, _ in HANDLERS}
    for state_cls in LOADED:
        for name in state_cls.event_handlers:
            if name.startswith("set_") and name not in {h for _, h, _ in HANDLERS} and \
                    name.removeprefix("set_") in state_cls.base_vars:
                continue  # Reflex's own setters for plain vars (none of ours take data)
            if state_cls.event_handlers[name].fn.__qualname__.split(".")[0] != state_cls.__name__:
                continue  # inherited from AuthState or the base
            assert (state_cls.__name__, name) in covered, f"{state_cls.__name__}.{name} is not tested"


# --- an admin's changes are audited with before and after ---------------------------------------


def _entries(action: str) -> list[AuditEntry]:
    with db.read_only() as session:
        return list(session.exec(select(AuditEntry).where(AuditEntry.action == action)
                                 .order_by(AuditEntry.id)).all())


def _last(action: str) -> tuple[dict | None, dict | None]:
    entry = _entries(action)[-1]
    return (json.loads(entry.before) if entry.before else None, json.loads(entry.after) if entry.after else None)


async def test_an_admins_changes_each_leave_an_audit_row_with_before_and_after(browser, world):
    boss, victim, ids, server = world
    tab = browser()
    tab.state(AdminState).session_token = boss.token

    state, _ = await _run(tab, AdminState, "load", ())
    assert {u["username"] for u in state.users} == {"boss", "victim"}
    assert state.summary and state.audit_rows
    assert state.budget_banner  # 900 of a 1 000 weekly budget, alert at 50 %

    await _run(tab, AdminState, "open_user", (ids["victim"],))
    await _run(tab, AdminState, "change_tier", ({"tier": "premium"},))
    assert _last("ai.user_tier") == ({"tier": "free"}, {"tier": "premium"})
    await _run(tab, AdminState, "grant_override", (OVERRIDE_FORM,))
    assert _last("ai.quota_override")[1]["daily"] == 9999
    state, _ = await _run(tab, AdminState, "revoke_override", (ids["override"],))
    assert _last("ai.quota_override_revoked")[0]["reason"] == "Existing grant"
    await _run(tab, AdminState, "set_manage_active", (False,))
    assert _last("user.set_active") == ({"is_active": True}, {"is_active": False})
    await _run(tab, AdminState, "set_role", (ids["victim"], "admin"))
    assert _last("user.set_role") == ({"role": "user"}, {"role": "admin"})
    _, download = await _run(tab, AdminState, "download_csv", (ids["victim"],))
    assert download is not None and _entries("user.export_downloaded")

    state, _ = await _run(tab, ProvidersState, "load", ())
    assert [p["name"] for p in state.providers] == ["First", "Second", "Built-in coach"]
    assert state.providers[0]["requests"] == "1" and state.providers[0]["spend"] == "$0.0009"
    await _run(tab, ProvidersState, "new_provider", ())
    state, _ = await _run(tab, ProvidersState, "save_provider", ({**FORM, "name": "Third", "input_price": "0.5",
                                                                  "api_key": "sk-third-secret-4242"},))
    assert not state.form_open and state.form_errors == {}
    assert _last("ai.provider_created")[1]["input_price_micros"] == 500_000
    third = next(p for p in state.providers if p["name"] == "Third")
    assert third["key"].endswith("4242") and "sk-third" not in json.dumps(state.providers)
    await _run(tab, ProvidersState, "edit_provider", (third["id"],))
    state, _ = await _run(tab, ProvidersState, "save_provider", ({**FORM, "name": "Third", "model": "better"},))
    assert _last("ai.provider_updated")[0]["model"] == "evil" and _last("ai.provider_updated")[1]["model"] == "better"
    await _run(tab, ProvidersState, "move", (third["id"], "up"))
    assert _last("ai.provider_moved")[1]["order"] == ["First", "Third", "Second"]
    await _run(tab, ProvidersState, "set_enabled", (ids["provider"], False))
    assert _last("ai.provider_updated")[0]["enabled"] is True and _last("ai.provider_updated")[1]["enabled"] is False
    state, _ = await _run(tab, ProvidersState, "test_connection", (ids["provider"],))
    second = next(p for p in state.providers if p["id"] == ids["provider"])
    assert second["test_ok"] == "yes" and "Connected to probe" in second["test"] and "tokens" in second["test"]
    assert _last("ai.provider_tested")[1]["ok"] is True
    await _run(tab, ProvidersState, "ask_delete", (ids["provider"], "Second"))
    state, _ = await _run(tab, ProvidersState, "confirm_delete", ())
    assert _last("ai.provider_deleted")[0]["name"] == "Second"
    assert [p["name"] for p in state.providers] == ["First", "Third", "Built-in coach"]

    await _run(tab, BudgetsState, "load", ())
    state, _ = await _run(tab, BudgetsState, "save", ({**BUDGET_FORM, "weekly_limit": "25", "alert_percent": "90",
                                                       "monthly_limit": ""},))
    assert state.errors == {}
    before, after = _last("ai.budgets")
    assert (before["weekly_limit_micros"], after["weekly_limit_micros"]) == (1_000, 25_000_000)

    await _run(tab, TiersState, "load", ())
    state, _ = await _run(tab, TiersState, "save", (TIER_FORM,))
    assert state.errors == {}
    assert _last("ai.tier_limits") == (
        {"daily": 10, "weekly": 50, "monthly": 200, "monthly_budget_micros": 5_000_000},
        {"daily": 100000, "weekly": 100000, "monthly": 100000, "monthly_budget_micros": 1_000_000_000})

    state, _ = await _run(tab, AuditState, "load", ())
    assert {"ai.provider_moved", "ai.budgets", "ai.tier_limits", "user.set_role"} <= set(state.actions)
    state, _ = await _run(tab, AuditState, "set_action", ("ai.provider_moved",))
    assert [(r["code"], r["action"]) for r in state.rows] == [("ai.provider_moved", "AI provider moved")]
    state, _ = await _run(tab, AuditState, "set_by", ("system",))
    assert state.rows == []


async def test_a_mistake_shows_next_to_its_field_and_changes_nothing(browser, world):
    boss, _, _, _ = world
    tab = browser()
    tab.state(ProvidersState).session_token = boss.token
    await _run(tab, ProvidersState, "load", ())
    before = _snapshot()
    await _run(tab, ProvidersState, "new_provider", ())
    state, _ = await _run(tab, ProvidersState, "save_provider", ({**FORM, "input_price": "cheap",
                                                                  "api_key": "sk-typed-secret-0000"},))
    assert set(state.form_errors) == {"input_price"} and state.form_open
    assert state.form_values["name"] == "Evil" and "sk-typed" not in json.dumps(state.form_values)
    state, _ = await _run(tab, ProvidersState, "save_provider", ({**FORM, "name": "First"},))
    assert state.form_errors == {"name": "Another provider has that name."}
    state, _ = await _run(tab, BudgetsState, "save", ({**BUDGET_FORM, "alert_percent": "200"},))
    assert set(state.errors) == {"alert_percent"}
    state, _ = await _run(tab, TiersState, "save", ({**TIER_FORM, "free-weekly": "lots"},))
    assert state.errors == {"free.weekly": "Enter a whole number, or leave it empty to keep the tier's limit."}
    state, _ = await _run(tab, AdminState, "grant_override", (OVERRIDE_FORM,))  # nobody chosen
    assert _snapshot() == before


async def test_usage_and_system_pages_load_for_an_admin(browser, world):
    boss, _, _, _ = world
    tab = browser()
    tab.state(UsageState).session_token = boss.token
    state, _ = await _run(tab, UsageState, "load", ())
    assert state.totals[0]["value"] == "1" and state.provider_rows[0]["cost"] == "$0.0009"
    assert state.series[0]["name"] == "First" and state.calls_chart[-1][state.series[0]["key"]] == 1
    state, _ = await _run(tab, UsageState, "set_days", ("90",))
    assert len(state.calls_chart) == 90
    state, _ = await _run(tab, SystemState, "load", ())
    assert state.healthy and state.checks[0]["value"] == "ok"
    assert '"status": "ok"' in state.health_json
    assert [p["name"] for p in state.provider_health] == ["First", "Second"]


def test_the_audit_log_cannot_be_edited_from_the_console():
    editing = [name for name in dir(admin) if any(w in name for w in ("edit_audit", "delete_audit", "update_audit"))]
    assert editing == []
    for state_cls in (AdminState, AuditState):
        assert not [h for h in state_cls.event_handlers if "audit" in h and h not in ("load",)]


def test_an_audit_change_shows_only_what_changed():
    from vigor_app.services.admin.audit_words import audit_values

    before = json.dumps({"name": "A", "model": "small", "api_key": "••••1234"})
    after = json.dumps({"name": "A", "model": "large", "api_key": "••••1234", "api_key_replaced": True})
    assert audit_values(before, after) == ("Model: small", "Model: large\nAPI key replaced: on")
    assert audit_values("", json.dumps({"role": "admin"})) == ("—", "Role: admin")
    assert audit_values(json.dumps({"tier": "free"}), "") == ("Tier: free", "—")


async def test_an_admin_routes_switches_and_runs_an_experiment_from_the_console(browser, world):
    boss, _victim, ids, _server = world
    tab = browser()
    tab.state(RoutingState).session_token = boss.token
    path = "/admin/routing"
    state, _ = await _run(tab, RoutingState, "load", (), path)
    assert [o["order"] for o in state.orders] == ["Second → First → Built-in coach"]
    assert [c["name"] for c in state.provider_choices] == ["First", "Second"]
    [running] = state.experiments
    assert (running["status"], running["a_provider"], running["a_requests"]) == ("Running", "First", "0")

    state, _ = await _run(tab, RoutingState, "switch_now", ({"switch_feature": "plan", "provider_id": ids["first"],
                                                             "reason": "Second is down"},), path)
    plan = next(f for f in state.features if f["feature"] == "plan")
    assert (plan["switched"], plan["state"]) == ("yes", "Switched to First: Second is down")
    assert _last("ai.switched")[1] == {"provider_id": int(ids["first"]), "reason": "Second is down"}
    state, _ = await _run(tab, RoutingState, "switch_back", ("plan",), path)
    assert next(f for f in state.features if f["feature"] == "plan")["switched"] == ""

    # A refusal is shown at its field; nothing changes.
    state, _ = await _run(tab, RoutingState, "save_order", ({"order_feature": "plan", "order_tier": "gold",
                                                             "first": ids["first"]},), path)
    assert "order_tier" in state.errors and len(state.orders) == 1
    state, _ = await _run(tab, RoutingState, "save_order", ({"order_feature": "plan", "order_tier": "premium",
                                                             "first": ids["provider"], "second": ids["first"]},), path)
    assert state.errors == {}
    assert {(o["label"], o["who"], o["order"]) for o in state.orders} >= {
        ("Plan generation", "Premium", "Second → First → Built-in coach")}
    state, _ = await _run(tab, RoutingState, "remove_order", ("plan", "premium"), path)
    assert len(state.orders) == 1

    state, _ = await _run(tab, RoutingState, "start_experiment", ({
        "name": "Plans", "experiment_feature": "plan", "provider_a": ids["first"], "provider_b": ids["provider"],
        "split_a": "²"},), path)
    assert "split_a" in state.errors
    state, _ = await _run(tab, RoutingState, "start_experiment", ({
        "name": "Plans", "experiment_feature": "plan", "provider_a": ids["first"], "provider_b": ids["provider"],
        "split_a": "30"},), path)
    assert state.errors == {} and state.experiments[0]["split"] == "30 % / 70 %"
    state, _ = await _run(tab, RoutingState, "promote", (ids["experiment"], "b"), path)
    promoted = next(e for e in state.experiments if e["id"] == ids["experiment"])
    assert promoted["status"] == "Stopped; arm B promoted" and promoted["promotable"] == ""
    assert any(o["label"] == "Daily message" and o["order"].startswith("Second → ") for o in state.orders)
