"""The admin console over the API, over real HTTP: providers (keys never answered), budgets,
tier limits, people, upgrade requests, usage and the audit log; each change audited with the
caller's address; members, read-only callers and former admins refused."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
from sqlmodel import select

from tests.api.conftest import error_of, new_admin
from tests.fakes.openai_server import run_openai_server
from vigor_app import db
from vigor_app.clock import utcnow
from vigor_app.models import (
    AiAttempt,
    AiBudgetSettings,
    AiCircuit,
    AiProvider,
    AiTierLimit,
    AuditEntry,
    User,
)
from vigor_app.services.accounts import api_tokens
from vigor_app.services.admin import membership
from vigor_app.services.ai import circuit, crypto
from vigor_app.services.errors import PermissionDenied

KEY = "sk-test-Zq8PLm3Kw9Rt5Vx2"
NEW_KEY = "sk-test-Hn4Bd7Yc1Gf6Ju0E"
PROVIDER = {"name": "Main", "kind": "openai", "model": "gpt-4o-mini", "api_key": KEY,
            "input_price_micros": 150_000, "output_price_micros": 600_000}


def _audit(action: str) -> list[AuditEntry]:
    with db.read_only() as session:
        return list(session.exec(select(AuditEntry).where(AuditEntry.action == action)
                                 .order_by(AuditEntry.id)).all())


def _provider_row(provider_id: int) -> AiProvider | None:
    with db.read_only() as session:
        return session.get(AiProvider, provider_id)


def _user(user_id: int) -> User:
    with db.read_only() as session:
        found = session.get(User, user_id)
    assert found is not None
    return found


def _no_key_in(text: str) -> None:
    for key in (KEY, NEW_KEY):
        assert key not in text and key[:-4] not in text


# --- who may ---------------------------------------------------------------------------------

ADMIN_ENDPOINTS = [
    ("GET", "/admin/providers", None),
    ("POST", "/admin/providers", PROVIDER),
    ("PATCH", "/admin/providers/1", {"enabled": False}),
    ("POST", "/admin/providers/1/move", {"direction": "up"}),
    ("DELETE", "/admin/providers/1", None),
    ("GET", "/admin/providers/circuits", None),
    ("POST", "/admin/providers/1/circuit/reset", None),
    ("POST", "/admin/providers/1/test", None),
    ("GET", "/admin/budgets", None),
    ("PATCH", "/admin/budgets", {"alert_percent": 50}),
    ("GET", "/admin/tiers", None),
    ("PUT", "/admin/tiers/free", {"daily": 1, "weekly": 1, "monthly": 1, "monthly_budget_micros": 0}),
    ("GET", "/admin/ai-config", None),
    ("POST", "/admin/ai-config/preview", {"vigor_ai_config": 1}),
    ("POST", "/admin/ai-config", {"document": {"vigor_ai_config": 1}, "keys": {"Main": NEW_KEY}}),
    ("GET", "/admin/users", None),
    ("GET", "/admin/users/1", None),
    ("PUT", "/admin/users/1/role", {"role": "user"}),
    ("PUT", "/admin/users/1/active", {"active": False}),
    ("PUT", "/admin/users/1/tier", {"tier": "premium"}),
    ("GET", "/admin/users/1/overrides", None),
    ("POST", "/admin/users/1/overrides", {"daily": 100, "expires_on": "2099-01-01", "reason": "testing"}),
    ("DELETE", "/admin/overrides/1", None),
    ("GET", "/admin/users/1/sets.csv", None),
    ("GET", "/admin/upgrade-requests", None),
    ("POST", "/admin/upgrade-requests/1/approve", {}),
    ("POST", "/admin/upgrade-requests/1/decline", {"reason": "no"}),
    ("GET", "/admin/usage", None),
    ("GET", "/admin/audit", None),
    ("GET", "/admin/audit/filters", None),
]


def test_the_list_covers_every_admin_endpoint(running_app):
    from vigor_app.public_api.app import public_api

    documented = {(method.upper(), path) for path, item in public_api.openapi()["paths"].items()
                  if path.startswith("/admin/") for method in item}
    listed = {(method, path.replace("/1", "/{x}").replace("/free", "/{x}")) for method, path, _ in ADMIN_ENDPOINTS}
    assert {(m, p.replace("{provider_id}", "{x}").replace("{user_id}", "{x}").replace("{override_id}", "{x}")
             .replace("{request_id}", "{x}").replace("{tier}", "{x}")) for m, p in documented} == listed


@pytest.mark.parametrize(("method", "path", "body"), ADMIN_ENDPOINTS, ids=[f"{m} {p}" for m, p, _ in ADMIN_ENDPOINTS])
def test_a_members_token_gets_403_on_every_admin_endpoint(running_app, alice, admin, method, path, body):
    with db.transaction() as session:
        session.add(AiProvider(name="Kept", kind="openai_compatible", base_url="http://127.0.0.1:9/v1",
                               model="m", priority=10, created_at=utcnow(), updated_at=utcnow()))
    membership.request_upgrade(alice.id, "premium")
    with db.read_only() as session:
        before = ([p.model_dump() for p in session.exec(select(AiProvider)).all()],
                  [u.model_dump() for u in session.exec(select(User).order_by(User.id)).all()],
                  len(session.exec(select(AuditEntry)).all()))
    for token in (alice.token, alice.session_token):
        with running_app.client(token) as api:
            answer = api.request(method, path, json=body)
        assert answer.status_code == 403, (method, path, answer.text)
        error = error_of(answer)
        assert error["code"] == "forbidden" and error["details"]["needed"] == "admin"
    with db.read_only() as session:
        after = ([p.model_dump() for p in session.exec(select(AiProvider)).all()],
                 [u.model_dump() for u in session.exec(select(User).order_by(User.id)).all()],
                 len(session.exec(select(AuditEntry)).all()))
    assert len(before[0]) == 1 and len(before[1]) == 2
    assert after == before


def test_a_member_cannot_make_a_token_with_the_admin_scope(running_app, alice):
    with pytest.raises(PermissionDenied):
        api_tokens.create(alice.id, "sneaky", ["read", "admin"])
    assert [t.scopes for t in api_tokens.tokens(alice.id)] == [("read", "write")]


def test_a_read_only_admin_token_reads_the_console_but_changes_nothing(running_app, admin):
    reader = api_tokens.create(admin.id, "dashboard", ["read"]).token
    with running_app.client(reader) as api:
        refused = api.get("/admin/providers")
        assert refused.status_code == 403 and error_of(refused)["details"]["needed"] == "admin"
        assert api.post("/admin/providers", json=PROVIDER).status_code == 403
    with db.read_only() as session:
        assert session.exec(select(AiProvider)).all() == []


def test_an_admin_whose_role_is_removed_loses_the_admin_scope(running_app, admin):
    other = new_admin("second")
    with running_app.client(other.token) as api:
        assert api.get("/admin/users").status_code == 200
    with running_app.client(admin.token) as api:
        demoted = api.put(f"/admin/users/{other.id}/role", json={"role": "user"})
        assert demoted.status_code == 200, demoted.text
        assert demoted.json()["role"] == "user"
    with running_app.client(other.token) as api:
        refused = api.get("/admin/users")
        assert refused.status_code == 403 and error_of(refused)["details"]["has"] == ["read", "write"]
        assert api.put(f"/admin/users/{admin.id}/role", json={"role": "user"}).status_code == 403
        assert api.get("/me").status_code == 200  # still a member
    assert _user(other.id).role == "user" and _user(admin.id).role == "admin"
    audited = _audit("user.set_role")
    assert [(a.actor_user_id, a.target_id, a.client_ip) for a in audited] == [(admin.id, str(other.id), "127.0.0.1")]


# --- providers ---------------------------------------------------------------------------------


def test_providers_are_added_changed_ordered_and_removed_without_ever_showing_a_key(running_app, admin):
    texts: list[str] = []
    with running_app.client(admin.token) as api:
        created = api.post("/admin/providers", json=PROVIDER)
        texts.append(created.text)
        assert created.status_code == 201, created.text
        main = created.json()
        assert main["name"] == "Main" and main["api_key_hint"] == "••••" + KEY[-4:] and main["priority"] == 10
        second = api.post("/admin/providers", json={"name": "Local", "kind": "openai_compatible",
                                                    "base_url": "http://127.0.0.1:9/v1", "model": "llama"})
        texts.append(second.text)
        assert second.status_code == 201 and second.json()["priority"] == 20
        local = second.json()
        listed = api.get("/admin/providers")
        texts.append(listed.text)
        rows = listed.json()
        assert [r["provider"]["name"] for r in rows] == ["Main", "Local", "builtin"]
        assert rows[0]["stats"]["calls_24h"] == 0 and rows[0]["error_rate"] is None
        assert rows[-1]["provider"]["builtin"] is True

        row = _provider_row(main["id"])
        assert row is not None and row.api_key_encrypted and KEY not in row.api_key_encrypted
        assert crypto.decrypt_api_key(row.api_key_encrypted) == KEY

        changed = api.patch(f"/admin/providers/{main['id']}", json={"api_key": NEW_KEY, "model": "gpt-4o",
                                                                    "daily_cap_micros": 2_000_000})
        texts.append(changed.text)
        assert changed.status_code == 200, changed.text
        assert changed.json()["api_key_hint"] == "••••" + NEW_KEY[-4:] and changed.json()["model"] == "gpt-4o"
        row = _provider_row(main["id"])
        assert row is not None and row.api_key_encrypted and crypto.decrypt_api_key(row.api_key_encrypted) == NEW_KEY
        assert row.daily_cap_micros == 2_000_000 and row.input_price_micros == 150_000  # the rest kept

        disabled = api.patch(f"/admin/providers/{main['id']}", json={"enabled": False})
        assert disabled.json()["enabled"] is False
        assert _provider_row(main["id"]).enabled is False  # type: ignore[union-attr]
        enabled = api.patch(f"/admin/providers/{main['id']}", json={"enabled": True})
        assert enabled.json()["enabled"] is True and _provider_row(main["id"]).enabled is True  # type: ignore[union-attr]

        moved = api.post(f"/admin/providers/{local['id']}/move", json={"direction": "up"})
        assert moved.status_code == 200 and moved.json() == {"order": ["Local", "Main"]}
        assert [r["provider"]["name"] for r in api.get("/admin/providers").json()] == ["Local", "Main", "builtin"]
        placed = api.patch(f"/admin/providers/{local['id']}", json={"priority": 500})
        assert placed.json()["priority"] == 500 and _provider_row(local["id"]).priority == 500  # type: ignore[union-attr]

        removed = api.delete(f"/admin/providers/{local['id']}")
        assert removed.status_code == 204 and _provider_row(local["id"]) is None
        assert error_of(api.delete(f"/admin/providers/{local['id']}"))["code"] == "not_found"
        texts.append(api.get("/admin/audit").text)
        texts.append(api.get("/admin/providers/circuits").text)
    for text in texts:
        _no_key_in(text)
    entries = [a for name in ("ai.provider_created", "ai.provider_updated", "ai.provider_moved",
                              "ai.provider_deleted") for a in _audit(name)]
    assert len(_audit("ai.provider_created")) == 2 and len(_audit("ai.provider_deleted")) == 1
    assert all(a.actor_user_id == admin.id and a.client_ip == "127.0.0.1" for a in entries)
    for entry in entries:
        _no_key_in(f"{entry.before} {entry.after}")
    assert json.loads(_audit("ai.provider_updated")[0].after or "{}")["api_key_replaced"] is True


def test_invalid_provider_settings_are_refused_and_nothing_is_saved(running_app, admin):
    with running_app.client(admin.token) as api:
        no_key = api.post("/admin/providers", json={**PROVIDER, "api_key": ""})
        assert no_key.status_code == 422 and error_of(no_key)["details"] == {"field": "api_key"}
        bad_url = api.post("/admin/providers", json={**PROVIDER, "base_url": "ftp://x"})
        assert bad_url.status_code == 422 and error_of(bad_url)["details"] == {"field": "base_url"}
        bad_kind = api.post("/admin/providers", json={**PROVIDER, "kind": "skynet"})
        assert bad_kind.status_code == 422 and error_of(bad_kind)["code"] == "invalid_request"
        _no_key_in(bad_kind.text)
        spaced = api.post("/admin/providers", json={**PROVIDER, "api_key": "sk has spaces"})
        assert spaced.status_code == 422 and "sk has spaces" not in spaced.text
        negative = api.post("/admin/providers", json={**PROVIDER, "input_price_micros": -1})
        assert negative.status_code == 422 and error_of(negative)["code"] == "invalid_request"
        _no_key_in(negative.text)
        extra = api.post("/admin/providers", json={**PROVIDER, "api_key_encrypted": "x"})
        assert extra.status_code == 422
        made = api.post("/admin/providers", json=PROVIDER).json()
        twice = api.post("/admin/providers", json={**PROVIDER, "name": "main"})
        assert twice.status_code == 422 and error_of(twice)["details"] == {"field": "name"}
        null_name = api.patch(f"/admin/providers/{made['id']}", json={"enabled": None})
        assert null_name.status_code == 422 and error_of(null_name)["code"] == "invalid_request"
        assert api.patch("/admin/providers/999", json={"enabled": False}).status_code == 404
        assert api.post(f"/admin/providers/{made['id']}/move", json={"direction": "sideways"}).status_code == 422
    with db.read_only() as session:
        rows = session.exec(select(AiProvider)).all()
    assert [(r.name, r.enabled) for r in rows] == [("Main", True)]


def test_a_providers_circuit_is_reset_by_hand(running_app, admin):
    with running_app.client(admin.token) as api:
        made = api.post("/admin/providers", json=PROVIDER).json()
        with db.transaction() as session:
            circuit.record_failure(session, made["id"], utcnow(), threshold=1, error="HTTP 500")
        shown = api.get("/admin/providers/circuits").json()
        assert [(c["provider_id"], c["state"], c["consecutive_failures"]) for c in shown] == [(made["id"], "open", 1)]
        reset = api.post(f"/admin/providers/{made['id']}/circuit/reset")
        assert reset.status_code == 204
        assert api.get("/admin/providers/circuits").json()[0]["state"] == "closed"
        assert api.post("/admin/providers/999/circuit/reset").status_code == 404
    with db.read_only() as session:
        row = session.exec(select(AiCircuit).where(AiCircuit.provider_id == made["id"])).one()
    assert row.state == "closed" and row.consecutive_failures == 0
    assert [(a.target_id, a.client_ip) for a in _audit("ai.circuit_reset")] == [(str(made["id"]), "127.0.0.1")]


def test_a_connection_test_reaches_the_provider_with_its_key_and_never_answers_it(running_app, admin):
    with run_openai_server() as server, running_app.client(admin.token) as api:
        made = api.post("/admin/providers", json={"name": "Fake", "kind": "openai_compatible", "model": "model-a",
                                                  "base_url": server.base_url, "api_key": KEY}).json()
        tested = api.post(f"/admin/providers/{made['id']}/test")
        assert tested.status_code == 200, tested.text
        assert tested.json()["ok"] is True and tested.json()["model"] == "model-a"
        _no_key_in(tested.text)
        assert [seen.api_key for seen in server.calls("model-a")] == [KEY]
    assert [json.loads(a.after or "{}")["ok"] for a in _audit("ai.provider_tested")] == [True]


# --- budgets and tiers -------------------------------------------------------------------------


def test_budgets_are_read_and_set(running_app, admin):
    with running_app.client(admin.token) as api:
        shown = api.get("/admin/budgets").json()
        assert shown["settings"]["weekly_limit_micros"] is None and shown["settings"]["alert_percent"] == 80
        assert [b["budget"]["name"] for b in shown["budgets"]] == ["global_week", "global_month"]
        assert all(b["percent"] is None and b["alerting"] is False for b in shown["budgets"])
        changed = api.patch("/admin/budgets", json={"weekly_limit_micros": 50_000_000, "alert_percent": 90,
                                                    "offpeak_start_minute": 1320, "offpeak_end_minute": 360})
        assert changed.status_code == 200, changed.text
        settings = changed.json()["settings"]
        assert (settings["weekly_limit_micros"], settings["alert_percent"], settings["monthly_limit_micros"]) == (
            50_000_000, 90, None)
        assert changed.json()["budgets"][0]["percent"] == 0.0
        for refused, field in (({"alert_percent": 0}, None), ({"offpeak_start_minute": 1440}, None),
                               ({"offpeak_timezone": "Mars/Olympus"}, "offpeak_timezone"),
                               ({"offpeak_provider_id": 4242}, "offpeak_provider_id"),
                               ({"weekly_limit": 5}, None)):
            answer = api.patch("/admin/budgets", json=refused)
            assert answer.status_code == 422, (refused, answer.text)
            error = error_of(answer)
            assert error["details"] == {"field": field} if field else error["code"] == "invalid_request"
    with db.read_only() as session:
        row = session.get(AiBudgetSettings, 1)
    assert row is not None and (row.weekly_limit_micros, row.alert_percent, row.offpeak_start_minute) == (
        50_000_000, 90, 1320)
    audited = _audit("ai.budgets")
    assert len(audited) == 1 and audited[0].client_ip == "127.0.0.1"


def test_the_ai_configuration_is_exported_previewed_and_imported_with_its_keys_apart(running_app, admin):
    texts: list[str] = []
    with running_app.client(admin.token) as api:
        assert api.post("/admin/providers", json=PROVIDER).status_code == 201
        exported = api.get("/admin/ai-config")
        texts.append(exported.text)
        assert exported.status_code == 200 and exported.headers["cache-control"] == "no-store"
        document = exported.json()
        assert document["vigor_ai_config"] == 1 and document["providers"][0]["has_key"] is True
        document["providers"].append({**document["providers"][0], "name": "Second", "priority": 20})
        document["tier_limits"][0]["daily"] = 11

        preview = api.post("/admin/ai-config/preview", json=document)
        texts.append(preview.text)
        assert preview.status_code == 200, preview.text
        shown = preview.json()
        assert shown["needs_key"] == ["Second"]
        assert [(c["section"], c["item"], c["action"]) for c in shown["changes"]] == [
            ("providers", "Second", "added"), ("tier_limits", "free", "changed")]
        assert _provider_names() == ["Main"]  # a preview writes nothing

        bad = {**document, "routes": [{"feature": "plan", "tier": None, "providers": ["Ghost"]}]}
        refused = api.post("/admin/ai-config", json={"document": bad, "keys": {"Second": NEW_KEY}})
        texts.append(refused.text)
        assert refused.status_code == 422
        assert error_of(refused)["details"] == {"field": "routes[0].providers[0]"}
        assert _provider_names() == ["Main"]

        imported = api.post("/admin/ai-config", json={"document": document, "keys": {"Second": NEW_KEY}})
        texts.append(imported.text)
        assert imported.status_code == 200, imported.text
        assert (imported.json()["keys_set"], imported.json()["needs_key"]) == (["Second"], [])
        texts.append(api.get("/admin/ai-config").text)
    assert _provider_names() == ["Main", "Second"]
    [entry] = _audit("ai.config_imported")
    assert entry.client_ip == "127.0.0.1"
    _no_key_in(" ".join([*texts, entry.after or ""]))


def _provider_names() -> list[str]:
    with db.read_only() as session:
        return [p.name for p in session.exec(select(AiProvider).order_by(AiProvider.priority)).all()]


def test_tier_limits_are_read_and_set(running_app, admin):
    with running_app.client(admin.token) as api:
        shown = api.get("/admin/tiers").json()
        assert list(shown) == ["free", "premium", "unlimited"] and shown["free"]["daily"] == 10
        limits = {"daily": 60, "weekly": 350, "monthly": 1200, "monthly_budget_micros": 30_000_000}
        saved = api.put("/admin/tiers/premium", json=limits)
        assert saved.status_code == 200 and saved.json() == limits
        assert api.get("/admin/tiers").json()["premium"] == limits
        gold = api.put("/admin/tiers/gold", json=limits)
        assert gold.status_code == 422 and error_of(gold)["details"] == {"field": "tier"}
        negative = api.put("/admin/tiers/free", json={**limits, "daily": -1})
        assert negative.status_code == 422 and error_of(negative)["code"] == "invalid_request"
        missing = api.put("/admin/tiers/free", json={"daily": 1})
        assert missing.status_code == 422
    with db.read_only() as session:
        rows = session.exec(select(AiTierLimit)).all()
    assert [(r.tier, r.daily, r.weekly, r.monthly, r.monthly_budget_micros) for r in rows] == [
        ("premium", 60, 350, 1200, 30_000_000)]
    assert [(a.target_id, a.client_ip) for a in _audit("ai.tier_limits")] == [("premium", "127.0.0.1")]


# --- people -------------------------------------------------------------------------------------


def test_people_are_listed_searched_and_changed(running_app, admin, alice, bob):
    with running_app.client(admin.token) as api:
        everyone = api.get("/admin/users").json()
        assert {p["username"] for p in everyone} == {"alice", "bob", "boss"}
        found = api.get("/admin/users", params={"search": "ALI"}).json()
        assert [p["username"] for p in found] == ["alice"]
        assert [u["kind"] for u in found[0]["usage"]] == ["day", "week", "month"]
        assert api.get(f"/admin/users/{bob.id}").json()["email"] == "bob@example.com"
        assert error_of(api.get("/admin/users/99999"))["code"] == "not_found"

        tiered = api.put(f"/admin/users/{alice.id}/tier", json={"tier": "premium"})
        assert tiered.status_code == 200 and tiered.json()["tier"] == "premium"
        assert _user(alice.id).tier == "premium"
        bad_tier = api.put(f"/admin/users/{alice.id}/tier", json={"tier": "gold"})
        assert bad_tier.status_code == 422 and error_of(bad_tier)["details"] == {"field": "tier"}

        off = api.put(f"/admin/users/{bob.id}/active", json={"active": False})
        assert off.status_code == 200 and off.json()["is_active"] is False
        with running_app.client(bob.token) as bobs:
            assert bobs.get("/me").status_code == 401
        assert api.put(f"/admin/users/{bob.id}/active", json={"active": True}).json()["is_active"] is True
        assert _user(bob.id).is_active is True

        myself = api.put(f"/admin/users/{admin.id}/active", json={"active": False})
        assert myself.status_code == 422 and _user(admin.id).is_active is True
        bad_role = api.put(f"/admin/users/{bob.id}/role", json={"role": "owner"})
        assert bad_role.status_code == 422 and error_of(bad_role)["code"] == "invalid_request"
        assert api.put("/admin/users/99999/tier", json={"tier": "premium"}).status_code == 404
    assert _user(bob.id).role == "user"
    assert [(a.target_id, a.client_ip) for a in _audit("ai.user_tier")] == [(str(alice.id), "127.0.0.1")]
    assert [json.loads(a.after or "{}") for a in _audit("user.set_active")] == [
        {"is_active": False}, {"is_active": True}]


def test_temporary_limits_are_granted_listed_and_revoked(running_app, admin, alice):
    last_day = (date.today() + timedelta(days=10)).isoformat()
    with running_app.client(admin.token) as api:
        granted = api.post(f"/admin/users/{alice.id}/overrides",
                           json={"daily": 100, "expires_on": last_day, "reason": "marathon training"})
        assert granted.status_code == 201, granted.text
        made = granted.json()
        assert (made["daily"], made["weekly"], made["active"], made["reason"]) == (100, None, True, "marathon training")
        assert api.get(f"/admin/users/{alice.id}").json()["usage"][0]["limit"] == 100
        assert [o["id"] for o in api.get(f"/admin/users/{alice.id}/overrides").json()] == [made["id"]]
        for refused in ({"expires_on": last_day, "reason": "nothing set"},
                        {"daily": 5, "expires_on": "2000-01-01", "reason": "in the past"},
                        {"daily": 5, "expires_on": last_day, "reason": ""}):
            answer = api.post(f"/admin/users/{alice.id}/overrides", json=refused)
            assert answer.status_code == 422, refused
            assert error_of(answer)["code"] == "invalid"
        assert api.delete(f"/admin/overrides/{made['id']}").status_code == 204
        assert api.get(f"/admin/users/{alice.id}/overrides").json()[0]["active"] is False
        assert api.delete("/admin/overrides/99999").status_code == 404
    with running_app.client(alice.token) as api:
        assert api.get("/membership").json()["meters"][0]["limit"] == 10
    assert [a.client_ip for a in _audit("ai.quota_override") + _audit("ai.quota_override_revoked")] == [
        "127.0.0.1", "127.0.0.1"]


def test_a_persons_workout_log_is_downloaded_and_audited(running_app, admin, alice):
    with running_app.client(alice.token) as api:
        session_id = api.post("/sessions", json={"name": "Push"}).json()["id"]
        added = api.post(f"/sessions/{session_id}/exercises", json={"exercise_id": "barbell-back-squat"}).json()
        api.put(f"/sets/{added['entries'][0]['sets'][0]['id']}", json={"reps": 3, "weight_kg": 120})
        api.post(f"/sessions/{session_id}/finish", json={})
    with running_app.client(admin.token) as api:
        sheet = api.get(f"/admin/users/{alice.id}/sets.csv")
        assert api.get("/admin/users/99999/sets.csv").status_code == 404
    assert sheet.status_code == 200 and sheet.headers["content-type"].startswith("text/csv")
    assert "vigor-sets-alice.csv" in sheet.headers["content-disposition"]
    assert "barbell-back-squat" in sheet.text and ",120," in sheet.text
    assert [(a.target_id, a.client_ip) for a in _audit("user.export_downloaded")] == [(str(alice.id), "127.0.0.1")]


# --- upgrade requests ----------------------------------------------------------------------------


def test_upgrade_requests_are_approved_and_declined(running_app, admin, alice, bob):
    with running_app.client(alice.token) as api:
        alices = api.post("/membership/upgrade-requests", json={"to_tier": "premium", "note": "please"}).json()
    with running_app.client(bob.token) as api:
        bobs = api.post("/membership/upgrade-requests", json={"to_tier": "unlimited"}).json()
    with running_app.client(admin.token) as api:
        pending = api.get("/admin/upgrade-requests").json()
        assert [(r["id"], r["username"], r["note"]) for r in pending] == [
            (alices["id"], "alice", "please"), (bobs["id"], "bob", "")]
        approved = api.post(f"/admin/upgrade-requests/{alices['id']}/approve")  # no body: no reason
        assert approved.status_code == 200 and approved.json()["status"] == "approved"
        no_reason = api.post(f"/admin/upgrade-requests/{bobs['id']}/decline", json={})
        assert no_reason.status_code == 422 and error_of(no_reason)["details"] == {"field": "reason"}
        declined = api.post(f"/admin/upgrade-requests/{bobs['id']}/decline", json={"reason": "Not yet"})
        assert declined.json()["status"] == "declined" and declined.json()["reason"] == "Not yet"
        twice = api.post(f"/admin/upgrade-requests/{alices['id']}/approve", json={})
        assert twice.status_code == 422
        assert api.post("/admin/upgrade-requests/99999/approve", json={}).status_code == 404
        assert api.get("/admin/upgrade-requests").json() == []
    assert _user(alice.id).tier == "premium" and _user(bob.id).tier == "free"
    with running_app.client(alice.token) as api:
        assert api.get(f"/membership/upgrade-requests/{alices['id']}").json()["status"] == "approved"
    assert [(a.target_id, a.client_ip) for a in _audit("membership.approved")] == [(str(alices["id"]), "127.0.0.1")]
    assert [a.target_id for a in _audit("membership.declined")] == [str(bobs["id"])]


# --- usage and the audit log --------------------------------------------------------------------


def _attempt(user_id: int, **values) -> AiAttempt:
    fields = {"provider_name": "Main", "model": "gpt-4o-mini", **values}
    return AiAttempt(request_id=f"r{fields.pop('n')}", user_id=user_id, feature="chat", final=True,
                     created_at=utcnow(), **fields)


def test_usage_and_cost_are_the_usage_pages_figures(running_app, admin, alice):
    with db.transaction() as session:
        session.add(_attempt(alice.id, n=1, outcome="ok", input_tokens=100, output_tokens=50, cost_micros=1200,
                             engine="Main"))
        session.add(_attempt(alice.id, n=2, outcome="ok", input_tokens=10, output_tokens=5, cost_micros=300,
                             engine="Main"))
        session.add(_attempt(alice.id, n=3, outcome="builtin", provider_name="builtin", engine="builtin",
                             builtin_reason="quota"))
    with running_app.client(admin.token) as api:
        answer = api.get("/admin/usage", params={"days": 7})
        assert answer.status_code == 200, answer.text
        wrong = api.get("/admin/usage", params={"days": 5})
        assert wrong.status_code == 422 and error_of(wrong)["details"] == {"field": "days"}
    body = answer.json()
    report = body["report"]
    assert report["days"] == 7 and len(report["day_keys"]) == 7
    assert (report["requests"], report["cost_micros"], report["tokens"], report["builtin_answers"]) == (3, 1500, 165, 1)
    assert body["fallback_rate"] == pytest.approx(1 / 3) and body["cache_hit_rate"] == 0.0
    assert [(p["name"], p["calls"], p["cost_micros"]) for p in report["providers"]] == [("Main", 2, 1500)]
    assert report["builtin_reasons"] == {"quota": 1}
    assert [(u["username"], u["requests"], u["cost_micros"]) for u in report["top_users"]] == [("alice", 3, 1500)]


def test_the_audit_log_shows_the_latest_entries_and_filters_by_action(running_app, admin, alice):
    with running_app.client(admin.token) as api:
        api.put("/admin/tiers/free", json={"daily": 11, "weekly": 50, "monthly": 200, "monthly_budget_micros": 1})
        api.put(f"/admin/users/{alice.id}/tier", json={"tier": "premium"})
        api.put("/admin/tiers/free", json={"daily": 12, "weekly": 50, "monthly": 200, "monthly_budget_micros": 1})
        latest = api.get("/admin/audit", params={"limit": 3}).json()
        assert [e["action"] for e in latest] == ["ai.tier_limits", "ai.user_tier", "ai.tier_limits"]
        assert latest[0]["actor"] == "boss" and json.loads(latest[0]["after"])["daily"] == 12
        only = api.get("/admin/audit", params={"action": "ai.tier_limits"}).json()
        assert [json.loads(e["after"])["daily"] for e in only] == [12, 11]
        by_alice = api.get("/admin/audit", params={"by": str(alice.id)}).json()
        assert {e["action"] for e in by_alice} == {"account.register", "api_token.create"}
        filters = api.get("/admin/audit/filters").json()
        assert {"ai.tier_limits", "ai.user_tier", "api_token.create"} <= set(filters["actions"])
        assert {"by": str(admin.id), "name": "boss"} in filters["actors"]
        too_many = api.get("/admin/audit", params={"limit": 501})
        assert too_many.status_code == 422 and error_of(too_many)["code"] == "invalid_request"
