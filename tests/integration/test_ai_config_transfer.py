"""The AI configuration exported from one instance and imported on another: the round trip from
SQLite to PostgreSQL (the gateway then routes the same way, through the real openai SDK and the
local OpenAI-compatible server), the preview, refused documents, the one transaction, who may,
and keys kept out of every document, preview, audit entry and log line."""

from __future__ import annotations

import copy
import json
import logging
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import exc as sa_exc
from sqlalchemy import text
from sqlmodel import col, select

from tests.factories import add_user
from tests.fakes.openai_server import Reply
from vigor_app import db
from vigor_app.models import AiAttempt, AiProvider, AuditEntry
from vigor_app.services.ai import (
    budgets,
    config_transfer,
    experiments,
    providers,
    quotas,
    routing_rules,
)
from vigor_app.services.ai.config_document import DocumentError
from vigor_app.services.ai.gateway import Gateway
from vigor_app.services.ai.providers import ProviderInput
from vigor_app.services.errors import PermissionDenied
from vigor_app.services.plans import ai_plans
from vigor_app.services.plans.request import PlanRequest, Profile

START = datetime(2026, 11, 18, 12, 0, tzinfo=UTC)  # 13:00 in Berlin: outside the off-peak window
PROFILE = Profile(days_per_week=3, equipment=("dumbbells", "bench"))
KEYS = {"Local Lab": "sk-local-0123456789abcdef", "Strong Lab": "sk-strong-0123456789abcdef",
        "Cloud": "sk-cloud-0123456789abcdef"}


def _provider(admin: int, server, name: str, priority: int, *, key: str | None, **extra: Any) -> int:
    model = name.lower().replace(" ", "-")
    server.default(model, Reply(echo_draft=True))
    return providers.create_provider(admin, ProviderInput(
        name=name, kind=extra.pop("kind", "openai_compatible"), model=model,
        base_url=extra.pop("base_url", server.base_url), api_key=key, priority=priority, timeout_seconds=10.0,
        **extra)).id or 0


def configure(admin: int, server) -> dict[str, int]:
    """Instance 1: four providers (three with keys), orders with a tier rule, a switch, a running
    experiment, budgets with an off-peak provider, a tier's limits."""
    ids = {
        "local": _provider(admin, server, "Local Lab", 10, key=KEYS["Local Lab"]),
        "strong": _provider(admin, server, "Strong Lab", 20, key=KEYS["Strong Lab"], input_price_micros=0,
                            max_output_tokens=4000),
        "keyless": _provider(admin, server, "Keyless", 30, key=None),
        "cloud": _provider(admin, server, "Cloud", 40, key=KEYS["Cloud"], kind="openai", base_url="",
                           enabled=False, input_price_micros=150_000, output_price_micros=600_000,
                           daily_cap_micros=2_000_000, structured_output=False),
    }
    routing_rules.set_order(admin, "plan", [ids["keyless"], ids["local"]])
    routing_rules.set_order(admin, "plan", [ids["strong"]], tier="premium")
    routing_rules.switch_now(admin, "analysis", ids["local"], reason="Strong Lab is slow today")
    experiments.start(admin, name="Chat A/B", feature="chat", provider_a=ids["local"], provider_b=ids["strong"],
                      split_a=30)
    budgets.update_budget_settings(admin, weekly_limit_micros=10_000_000, alert_percent=70,
                                   offpeak_start_minute=22 * 60, offpeak_end_minute=6 * 60,
                                   offpeak_timezone="Europe/Berlin", offpeak_provider_id=ids["keyless"])
    quotas.set_tier_limits(admin, "premium", daily=60, weekly=350, monthly=1200, monthly_budget_micros=30_000_000)
    return ids


def _without_time(document: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in document.items() if k != "exported_at"}


def _audit() -> list[AuditEntry]:
    with db.read_only() as session:
        return list(session.exec(select(AuditEntry).order_by(col(AuditEntry.id))).all())


_seeds = iter(range(1, 1_000_000))


async def _plan_answers(members: dict[str, int]) -> dict[str, tuple[str, list[str]]]:
    """Who answered each member's plan request, and the rule the attempts record."""
    gateway = Gateway(clock=lambda: START)
    found = {}
    for who, user_id in members.items():
        answer = await ai_plans.generate(user_id, PROFILE, PlanRequest(), next(_seeds), gateway=gateway)
        with db.read_only() as session:
            routes = [r.route for r in session.exec(select(AiAttempt).where(
                AiAttempt.request_id == answer.request_id).order_by(col(AiAttempt.id))).all()]
        found[who] = (answer.engine, routes)
    return found


@pytest.mark.postgres
async def test_export_then_import_on_postgresql_gives_the_same_configuration_and_routing(
        ai, server, vigor_env, caplog):
    caplog.set_level(logging.DEBUG)
    admin = add_user("boss", "admin")
    configure(admin, server)
    members = {"free": add_user("fay"), "premium": add_user("pat", tier="premium")}
    routed_here = await _plan_answers(members)
    assert routed_here == {"free": ("Keyless", ["feature"]), "premium": ("Strong Lab", ["tier"])}
    first = config_transfer.export(admin)
    sent = json.dumps(first)  # what travels between the instances

    from tests.postgres import migrated_database

    with migrated_database("vigor_transfer", vigor_env):
        chief = add_user("chief", "admin")
        seen = config_transfer.preview(chief, json.loads(sent))
        assert seen.needs_key == ("Local Lab", "Strong Lab", "Cloud")
        assert {s: c["added"] for s, c in seen.counts.items()} == {
            "providers": 4, "routes": 2, "switches": 1, "experiments": 1, "budgets": 0, "tier_limits": 0}
        assert seen.counts["budgets"]["changed"] == 1 and seen.counts["tier_limits"]["changed"] == 1
        result = config_transfer.apply(chief, json.loads(sent), KEYS)
        assert (result.keys_set, result.needs_key) == (("Cloud", "Local Lab", "Strong Lab"), ())
        second = config_transfer.export(chief)
        assert _without_time(second) == _without_time(first)

        members_there = {"free": add_user("fay"), "premium": add_user("pat", tier="premium")}
        assert await _plan_answers(members_there) == routed_here
        assert server.calls("strong-lab")[-1].api_key == KEYS["Strong Lab"]  # the key given separately
        audit_text = " ".join(f"{e.before} {e.after}" for e in _audit())
        [imported] = [e for e in _audit() if e.action == "ai.config_imported"]
        assert json.loads(imported.after or "{}")["sections"]["providers"]["added"] == 4

    for key in KEYS.values():
        for place in (sent, repr(seen), repr(result), audit_text, caplog.text):
            assert key not in place and key[-8:] not in place


def _document(admin: int) -> dict[str, Any]:
    return json.loads(json.dumps(config_transfer.export(admin)))


def test_preview_lists_what_changes_and_writes_nothing_then_apply_makes_it_so(ai, server):
    admin = add_user("boss", "admin")
    configure(admin, server)
    document = _document(admin)
    by_name = {p["name"]: p for p in document["providers"]}
    by_name["Local Lab"]["input_price_micros"] = 5
    document["providers"] = [p for p in document["providers"] if p["name"] != "Keyless"]
    document["providers"].append({**by_name["Strong Lab"], "name": "New Lab", "priority": 50})
    document["routes"] = [{"feature": "plan", "tier": None, "providers": ["New Lab", "Local Lab"]},
                          *(r for r in document["routes"] if r["tier"] == "premium")]
    document["switches"] = []
    document["budgets"]["offpeak_provider"] = None
    premium = next(t for t in document["tier_limits"] if t["tier"] == "premium")
    premium["daily"] = 70
    before, entries = _document(admin), len(_audit())

    seen = config_transfer.preview(admin, document)
    changes = {(c.section, c.item, c.action): c.fields for c in seen.changes}
    assert set(changes) == {
        ("providers", "Local Lab", "changed"), ("providers", "New Lab", "added"),
        ("providers", "Keyless", "removed"), ("routes", "plan / all members", "changed"),
        ("switches", "analysis", "removed"), ("budgets", "budgets", "changed"),
        ("tier_limits", "premium", "changed")}
    assert changes[("providers", "Local Lab", "changed")] == (("input_price_micros", 0, 5),)
    assert changes[("routes", "plan / all members", "changed")] == (
        ("providers", ["Keyless", "Local Lab"], ["New Lab", "Local Lab"]),)
    assert changes[("tier_limits", "premium", "changed")] == (("daily", 60, 70),)
    assert seen.needs_key == ("New Lab",)
    assert seen.counts["experiments"] == {"added": 0, "changed": 0, "removed": 0, "unchanged": 1}
    assert _without_time(_document(admin)) == _without_time(before) and len(_audit()) == entries

    result = config_transfer.apply(admin, document)  # no key for New Lab: saved disabled
    assert result.needs_key == ("New Lab",)
    after = _document(admin)
    expected = copy.deepcopy(document)
    next(p for p in expected["providers"] if p["name"] == "New Lab").update(enabled=False, has_key=False)
    key = {"providers": lambda p: p["name"], "routes": lambda r: (r["feature"], r["tier"] or "")}
    for section, order in key.items():
        assert sorted(after[section], key=order) == sorted(expected[section], key=order)
    assert {s: after[s] for s in ("switches", "experiments", "budgets", "tier_limits")} == {
        s: expected[s] for s in ("switches", "experiments", "budgets", "tier_limits")}
    new_entries = _audit()[entries:]
    assert [e.action for e in new_entries] == ["ai.config_imported"]
    assert json.loads(new_entries[0].after or "{}")["needs_key"] == ["New Lab"]

    # The same document again, now with the key: New Lab is enabled with it; nothing else moves.
    experiment_before = after["experiments"]
    result = config_transfer.apply(admin, document, {"New Lab": "sk-new-0123456789abcdef"})
    assert (result.keys_set, result.needs_key) == (("New Lab",), ())
    again = _document(admin)
    assert next(p for p in again["providers"] if p["name"] == "New Lab")["enabled"] is True
    assert again["experiments"] == experiment_before
    assert result.counts["experiments"]["unchanged"] == 1 and result.counts["providers"]["changed"] == 1


def _mutate(document: dict[str, Any], how: str) -> None:
    providers_ = document["providers"]
    if how == "version":
        document["vigor_ai_config"] = 2
    elif how == "unknown_name":
        document["routes"][0]["providers"].append("Ghost Lab")
    elif how == "bad_price":
        providers_[1]["output_price_micros"] = -1
    elif how == "too_many":
        providers_.extend({**providers_[0], "name": f"Extra {i}"} for i in range(50))
    elif how == "key_inside":
        providers_[0]["api_key"] = KEYS["Local Lab"]
    elif how == "control_character":
        providers_[2]["model"] = "keyless\x1b[31m"
    elif how == "huge_number":
        document["providers"][3]["daily_cap_micros"] = 2**64
    elif how == "time_zone":
        document["budgets"]["offpeak_timezone"] = "Mars/Olympus"
    elif how == "not_a_number":
        document["tier_limits"][0]["daily"] = "10"
    elif how == "same_split_arms":
        document["experiments"][0]["provider_b"] = "local lab"
    elif how == "no_sections":
        del document["budgets"]


INVALID = [
    ("version", "vigor_ai_config"), ("unknown_name", "routes[0].providers[2]"),
    ("bad_price", "providers[1].output_price_micros"), ("too_many", "providers"),
    ("key_inside", "providers[0].api_key"), ("control_character", "providers[2].model"),
    ("huge_number", "providers[3].daily_cap_micros"), ("time_zone", "budgets.offpeak_timezone"),
    ("not_a_number", "tier_limits[0].daily"), ("same_split_arms", "experiments[0].provider_b"),
    ("no_sections", "budgets"),
]


@pytest.mark.parametrize(("how", "path"), INVALID, ids=[i[0] for i in INVALID])
def test_a_refused_document_names_the_place_and_changes_nothing(ai, server, how, path):
    admin = add_user("boss", "admin")
    configure(admin, server)
    document, entries = _document(admin), len(_audit())
    before = copy.deepcopy(_without_time(document))
    _mutate(document, how)
    for attempt in (lambda: config_transfer.preview(admin, document),
                    lambda: config_transfer.apply(admin, document, KEYS)):
        with pytest.raises(DocumentError) as refused:
            attempt()
        assert refused.value.path == path, refused.value.message
        assert refused.value.message.startswith(f"{path}: ")
        assert KEYS["Local Lab"] not in refused.value.message
    assert _without_time(_document(admin)) == before and len(_audit()) == entries


def test_a_key_for_a_provider_the_document_lacks_is_refused(ai, server):
    admin = add_user("boss", "admin")
    configure(admin, server)
    document = _document(admin)
    with pytest.raises(DocumentError) as refused:
        config_transfer.apply(admin, document, {"Ghost Lab": "sk-ghost-0123456789abcdef"})
    assert refused.value.path == "keys['Ghost Lab']"
    with pytest.raises(DocumentError) as refused:
        config_transfer.apply(admin, document, {"Local Lab": "sk with spaces"})
    assert refused.value.path == "keys['Local Lab']" and "sk with" not in refused.value.message


def test_a_failure_late_in_the_import_leaves_everything_as_it_was(ai, server):
    admin = add_user("boss", "admin")
    configure(admin, server)
    document = _document(admin)
    before, entries = copy.deepcopy(_without_time(document)), len(_audit())
    with db.read_only() as session:
        rows_before = [(p.id, p.name, p.api_key_encrypted) for p in session.exec(select(AiProvider)).all()]
    document["providers"] = [p for p in document["providers"] if p["name"] != "Cloud"]  # a removal
    document["providers"].append({**document["providers"][0], "name": "New Lab", "priority": 60})
    document["routes"] = []
    document["switches"] = []
    document["experiments"] = []
    document["budgets"]["weekly_limit_micros"] = None
    document["tier_limits"][0]["daily"] = 1
    # The very last write (the audit entry) is refused by the database: every write before it
    # (providers deleted and added, rules, budgets, tiers) must go with it.
    with db.transaction() as session:
        session.execute(text("CREATE TRIGGER refuse_import BEFORE INSERT ON audit_log "
                             "WHEN NEW.action = 'ai.config_imported' "
                             "BEGIN SELECT RAISE(ABORT, 'refused by the test'); END"))
    with pytest.raises(sa_exc.IntegrityError):
        config_transfer.apply(admin, document, {"New Lab": "sk-new-0123456789abcdef"})
    assert _without_time(_document(admin)) == before and len(_audit()) == entries
    with db.read_only() as session:
        assert [(p.id, p.name, p.api_key_encrypted) for p in session.exec(select(AiProvider)).all()] == rows_before


def test_only_admins_export_preview_or_import(ai, server):
    admin = add_user("boss", "admin")
    configure(admin, server)
    document = _document(admin)
    for who in (add_user("mo"), add_user("gone", "admin", active=False)):
        with pytest.raises(PermissionDenied):
            config_transfer.export(who)
        with pytest.raises(PermissionDenied):
            config_transfer.preview(who, document)
        with pytest.raises(PermissionDenied):
            config_transfer.apply(who, document, KEYS)
    assert [e.action for e in _audit()].count("ai.config_imported") == 0


def test_every_export_imports_again_unchanged_even_with_a_disabled_provider_in_a_rule(ai, server):
    admin = add_user("boss", "admin")
    ids = configure(admin, server)
    providers.set_enabled(admin, ids["strong"], False)  # arm B of the running experiment, after it started
    document = _document(admin)
    assert document["experiments"][0]["provider_b"] == "Strong Lab"
    seen = config_transfer.preview(admin, document)
    assert seen.changes == () and seen.needs_key == ()
    entries = len(_audit())
    result = config_transfer.apply(admin, document)
    assert all(c["added"] == c["changed"] == c["removed"] == 0 for c in result.counts.values())
    assert _without_time(_document(admin)) == _without_time(document)
    assert len(_audit()) == entries  # nothing changed: nothing to audit
