"""The provider console: the form, the order, and a real test call to an OpenAI-compatible server."""

import json
import socket

import pytest
from sqlmodel import select

from tests.factories import make_admin, make_user
from tests.fakes.openai_server import Failure, Reply
from vigor_app import db
from vigor_app.models import AiProvider, AuditEntry
from vigor_app.services.admin import providers as admin_providers
from vigor_app.services.admin.providers import ProviderFields
from vigor_app.services.ai import pricing, providers
from vigor_app.services.errors import NotFound, PermissionDenied, ValidationError

pytestmark = pytest.mark.usefixtures("database")

FORM = {"name": "Local", "kind": "openai_compatible", "base_url": "http://127.0.0.1:9/v1", "model": "tiny",
        "api_version": "", "api_key": "", "input_price": "0.15", "output_price": "0.6", "daily_cap": "", "timeout_seconds": "5",
        "max_output_tokens": "512", "enabled": True, "structured_output": True}


def _audit(action: str) -> list[AuditEntry]:
    with db.read_only() as session:
        return list(session.exec(select(AuditEntry).where(AuditEntry.action == action)
                                 .order_by(AuditEntry.id)).all())


def _rows() -> list[AiProvider]:
    with db.read_only() as session:
        return list(session.exec(select(AiProvider).order_by(AiProvider.priority, AiProvider.id)).all())


def _add(boss: int, name: str, **changes) -> int:
    return admin_providers.create(boss, ProviderFields(**{**FORM, "name": name, **changes})).id


# --- the form ---------------------------------------------------------------------------------


def test_the_form_turns_dollars_into_exact_micro_dollars():
    values = admin_providers.provider_values(ProviderFields(**{**FORM, "input_price": "0.15", "output_price": "$2.5",
                                                                  "daily_cap": "1,000.000001"}), new=True)
    assert values["input_price_micros"] == 150_000
    assert values["output_price_micros"] == 2_500_000
    assert values["daily_cap_micros"] == 1_000_000_001
    assert values["timeout_seconds"] == 5.0 and values["max_output_tokens"] == 512
    assert values["enabled"] is True and values["api_key"] == ""


@pytest.mark.parametrize(("changes", "field"), [
    ({"input_price": "cheap"}, "input_price_micros"),
    ({"output_price": "0.0000001"}, "output_price_micros"),
    ({"daily_cap": "-1"}, "daily_cap_micros"),
    ({"timeout_seconds": "soon"}, "timeout_seconds"),
    ({"max_output_tokens": "lots"}, "max_output_tokens"),
])
def test_a_bad_figure_names_its_field(changes, field):
    with pytest.raises(ValidationError) as caught:
        admin_providers.provider_values(ProviderFields(**{**FORM, **changes}), new=True)
    assert caught.value.field == field


def test_an_empty_key_on_edit_keeps_the_stored_one_unless_removal_is_ticked():
    def values(**changes):
        return admin_providers.provider_values(ProviderFields(**{**FORM, **changes}), new=False)

    assert "api_key" not in values(api_key="")
    assert values(api_key="", remove_key=True)["api_key"] == ""
    assert values(api_key=" sk-new-key-0001 ")["api_key"] == "sk-new-key-0001"


def test_a_new_provider_goes_after_the_others_and_is_audited_without_its_key():
    boss = make_admin().user.id
    _add(boss, "First")
    _add(boss, "Second", api_key="sk-secret-value-9876")
    assert [(r.name, r.priority) for r in _rows()] == [("First", 10), ("Second", 20)]
    created = _audit("ai.provider_created")
    assert len(created) == 2
    assert "sk-secret-value-9876" not in created[1].after
    assert json.loads(created[1].after)["api_key"].endswith("9876")
    values = admin_providers.edit_values(boss, _rows()[1].id)
    assert "sk-secret" not in json.dumps(values)
    assert values["api_key_hint"].endswith("9876") and values["input_price"] == "0.15"


def test_an_edit_is_audited_with_before_and_after():
    boss = make_admin().user.id
    pid = _add(boss, "Local")
    admin_providers.update(boss, pid, ProviderFields(**{**FORM, "model": "bigger", "output_price": "1.2"}))
    entry = _audit("ai.provider_updated")[-1]
    assert json.loads(entry.before)["model"] == "tiny" and json.loads(entry.after)["model"] == "bigger"
    assert json.loads(entry.before)["output_price_micros"] == 600_000
    assert json.loads(entry.after)["output_price_micros"] == 1_200_000


# --- the order ----------------------------------------------------------------------------


def test_moving_renumbers_the_order_in_one_audited_step():
    boss = make_admin().user.id
    a, b, c = _add(boss, "A"), _add(boss, "B"), _add(boss, "C")
    with db.transaction() as session:  # equal priorities: the order falls back to the id
        for row in session.exec(select(AiProvider)).all():
            row.priority = 50
            session.add(row)
    assert admin_providers.move_provider(boss, c, "up") == ["A", "C", "B"]
    assert admin_providers.move_provider(boss, c, "up") == ["C", "A", "B"]
    assert admin_providers.move_provider(boss, c, "up") == ["C", "A", "B"]  # already first
    assert admin_providers.move_provider(boss, a, "down") == ["C", "B", "A"]
    assert [(r.name, r.priority) for r in _rows()] == [("C", 10), ("B", 20), ("A", 30)]
    moved = _audit("ai.provider_moved")
    assert len(moved) == 3  # moving the first one up changed nothing: no entry
    assert json.loads(moved[0].before)["order"] == ["A", "B", "C"]
    assert json.loads(moved[0].after)["order"] == ["A", "C", "B"]
    assert json.loads(moved[-1].after)["priority"] == {"C": 10, "B": 20, "A": 30}
    assert b


def test_the_built_in_coach_cannot_move_and_unknown_providers_are_not_found():
    boss = make_admin().user.id
    with pytest.raises(ValidationError):
        admin_providers.move_provider(boss, None, "up")
    with pytest.raises(NotFound):
        admin_providers.move_provider(boss, 999, "up")
    with pytest.raises(ValidationError):
        admin_providers.move_provider(boss, 1, "sideways")


# --- test connection ------------------------------------------------------------------------


async def test_a_connection_test_makes_one_real_call_and_reports_latency_and_tokens(server):
    boss = make_admin().user.id
    pid = _add(boss, "Local", base_url=server.base_url, model="probe", api_key="sk-probe-key-1234")
    server.default("probe", Reply(content="ready", prompt_tokens=11, completion_tokens=2))
    result = await admin_providers.test_connection(boss, pid)
    assert result.ok and result.reply == "ready"
    assert (result.input_tokens, result.output_tokens) == (11, 2)
    assert result.cost_micros == pricing.cost_micros(11, 2, 150_000, 600_000)
    assert result.latency_ms >= 0
    calls = server.calls("probe")
    assert len(calls) == 1
    assert calls[0].api_key == "sk-probe-key-1234"
    assert calls[0].body.get("max_tokens") == admin_providers.TEST_MAX_TOKENS
    entry = _audit("ai.provider_tested")[-1]
    assert json.loads(entry.after)["ok"] is True and json.loads(entry.after)["input_tokens"] == 11


async def test_a_failed_test_shows_the_providers_error_in_plain_words_without_the_key(server):
    boss = make_admin().user.id
    pid = _add(boss, "Local", base_url=server.base_url, model="probe", api_key="sk-leaky-key-5678")
    server.script("probe", Failure(401, "bad key", echo_key=True))
    result = await admin_providers.test_connection(boss, pid)
    assert not result.ok
    assert result.error.startswith("The provider answered HTTP 401 (the API key was refused): bad key")
    assert "sk-leaky-key-5678" not in result.error and "5678" in result.error
    assert "sk-leaky-key-5678" not in (_audit("ai.provider_tested")[-1].after or "")
    server.script("probe", Failure(500, "the model is overloaded"))
    result = await admin_providers.test_connection(boss, pid)
    assert "HTTP 500" in result.error and "the model is overloaded" in result.error


async def test_a_partial_key_in_the_providers_answer_reaches_neither_the_page_nor_the_audit_log(server):
    key = "sk-proj-Q7vXk2LmN9pR4sT8wY1zA3bC5dE6fG0hJ"
    boss = make_admin().user.id
    pid = _add(boss, "Local", base_url=server.base_url, model="probe", api_key=key)
    pieces = (f"Incorrect API key provided: {key[:24]}", f"key ...{key[-12:]}", f"slice {key[9:21]}",
              f"{key[:16]} / {key[16:]}")
    shown = []
    for echoed in pieces:
        server.script("probe", Failure(401, echoed))
        shown.append((await admin_providers.test_connection(boss, pid)).error)
    server.script("probe", Reply(content=f"ready {key[4:30]}"))
    shown.append((await admin_providers.test_connection(boss, pid)).reply)
    stored = [f"{e.before}{e.after}" for e in _audit("ai.provider_tested")]
    assert len(stored) == len(pieces) + 1
    runs = {key[i:i + 8].casefold() for i in range(len(key) - 7)}
    assert [t for t in shown + stored if any(run in t.casefold() for run in runs)] == []
    assert "Incorrect API key provided: \u2022\u2022\u2022\u2022" in shown[0]


async def test_an_unreachable_server_says_so():
    boss = make_admin().user.id
    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    pid = _add(boss, "Nowhere", base_url=f"http://127.0.0.1:{port}/v1")
    result = await admin_providers.test_connection(boss, pid)
    assert not result.ok
    assert result.error.startswith(f"Could not reach http://127.0.0.1:{port}/v1")


async def test_a_normal_user_cannot_test_a_provider(server):
    boss = make_admin().user.id
    mallory = make_user("mallory").user.id
    pid = _add(boss, "Local", base_url=server.base_url, model="probe")
    with pytest.raises(PermissionDenied):
        await admin_providers.test_connection(mallory, pid)
    assert server.calls("probe") == []
    assert _audit("ai.provider_tested") == []


@pytest.mark.parametrize("call", [
    lambda actor, pid: admin_providers.create(actor, ProviderFields(**{**FORM, "name": "Evil"})),
    lambda actor, pid: admin_providers.update(actor, pid, ProviderFields(**{**FORM, "model": "evil"})),
    lambda actor, pid: admin_providers.move_provider(actor, pid, "down"),
    lambda actor, pid: admin_providers.edit_values(actor, pid),
])
def test_a_normal_user_is_refused_and_nothing_changes(call):
    boss = make_admin().user.id
    mallory = make_user("mallory").user.id
    pid = _add(boss, "Local")
    _add(boss, "Other")
    before = [(r.name, r.model, r.priority) for r in _rows()]
    audit_before = len(_audit("ai.provider_created"))
    with pytest.raises(PermissionDenied):
        call(mallory, pid)
    assert [(r.name, r.model, r.priority) for r in _rows()] == before
    assert len(_audit("ai.provider_created")) == audit_before
    assert _audit("ai.provider_updated") == [] and _audit("ai.provider_moved") == []


def test_providers_stay_listed_for_the_gateway_in_the_new_order():
    boss = make_admin().user.id
    _add(boss, "A")
    b = _add(boss, "B")
    admin_providers.move_provider(boss, b, "up")
    with db.read_only() as session:
        assert [c.name for c in providers.enabled_configs(session)] == ["B", "A"]
