"""Provider administration: admins only, every change audited, keys encrypted and never shown."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlmodel import select

from tests.factories import add_user
from vigor_app import db
from vigor_app.models import AiProvider, AuditEntry
from vigor_app.services.ai import crypto, provider_bootstrap, provider_health, providers
from vigor_app.services.ai.providers import ProviderInput
from vigor_app.services.errors import NotFound, PermissionDenied, ValidationError
from vigor_app.settings import reload_settings

KEY = "sk-proj-VERYSECRET-a1b2c3d4e5f6wxyz"


@pytest.fixture
def admin_id(ai) -> int:
    return add_user("boss", "admin")


def openai_input(**changes) -> ProviderInput:
    values = {"name": "OpenAI", "kind": "openai", "model": "gpt-4o-mini", "api_key": KEY,
              "input_price_micros": 150_000, "output_price_micros": 600_000}
    values.update(changes)
    return ProviderInput(**values)


def snapshot() -> tuple[list[tuple], int]:
    with db.read_only() as session:
        rows = [tuple(r.model_dump().values()) for r in session.exec(select(AiProvider)).all()]
        audits = len(session.exec(select(AuditEntry)).all())
    return rows, audits


def test_keys_are_encrypted_at_rest_and_shown_only_as_their_last_four(admin_id):
    view = providers.create_provider(admin_id, openai_input())
    assert view.api_key_hint == "\u2022\u2022\u2022\u2022wxyz"
    assert view.base_url == "https://api.openai.com/v1"
    with db.read_only() as session:
        raw = session.connection().execute(text("SELECT api_key_encrypted FROM ai_providers")).scalar()
        configs = providers.enabled_configs(session)
    assert raw and raw != KEY and "VERYSECRET" not in raw
    assert crypto.decrypt_api_key(raw) == KEY
    assert configs[0].secret == KEY
    assert "VERYSECRET" not in repr(configs[0]) and "VERYSECRET" not in repr(view)
    assert "VERYSECRET" not in repr(openai_input())


def test_every_change_is_audited_without_the_key(admin_id):
    view = providers.create_provider(admin_id, openai_input(), client_ip="10.0.0.1")
    providers.update_provider(admin_id, view.id, priority=5, api_key="sk-new-key-0000000000009876")
    providers.set_enabled(admin_id, view.id, False)
    providers.delete_provider(admin_id, view.id)
    with db.read_only() as session:
        entries = session.exec(select(AuditEntry).order_by(AuditEntry.id)).all()
    assert [e.action for e in entries] == ["ai.provider_created", "ai.provider_updated",
                                           "ai.provider_updated", "ai.provider_deleted"]
    assert entries[0].client_ip == "10.0.0.1"
    assert '"api_key": "\\u2022\\u2022\\u2022\\u2022wxyz"' in entries[0].after
    assert '"priority": 100' in entries[1].before and '"priority": 5' in entries[1].after
    assert '"api_key_replaced": true' in entries[1].after and "9876" in entries[1].after
    assert '"enabled": false' in entries[2].after
    for entry in entries:
        assert "VERYSECRET" not in f"{entry.before}{entry.after}"
        assert "sk-new-key" not in f"{entry.before}{entry.after}"


def test_admin_only_services_refuse_others_and_change_nothing(admin_id):
    view = providers.create_provider(admin_id, openai_input())
    member = add_user("alice")
    former_admin = add_user("gone", "admin", active=False)
    before = snapshot()
    for actor in (member, former_admin, 424242):
        calls = [
            lambda a=actor: providers.list_providers(a),
            lambda a=actor: providers.create_provider(a, openai_input(name="Other")),
            lambda a=actor: providers.update_provider(a, view.id, model="gpt-4o"),
            lambda a=actor: providers.set_enabled(a, view.id, False),
            lambda a=actor: providers.set_priority(a, view.id, 1),
            lambda a=actor: providers.delete_provider(a, view.id),
            lambda a=actor: provider_health.reset_circuit(a, view.id),
            lambda a=actor: provider_health.circuit_report(a),
        ]
        for call in calls:
            with pytest.raises(PermissionDenied):
                call()
    assert snapshot() == before


def test_the_built_in_engine_is_always_last_and_cannot_be_changed(admin_id):
    providers.create_provider(admin_id, openai_input(name="B", priority=20))
    providers.create_provider(admin_id, openai_input(name="A", priority=10))
    listed = providers.list_providers(admin_id)
    assert [v.name for v in listed] == ["A", "B", "builtin"]
    builtin = listed[-1]
    assert builtin.builtin and builtin.enabled and not builtin.can_disable and not builtin.can_delete
    for call in (lambda: providers.set_enabled(admin_id, None, False),  # type: ignore[arg-type]
                 lambda: providers.delete_provider(admin_id, "builtin"),  # type: ignore[arg-type]
                 lambda: providers.update_provider(admin_id, None, priority=0)):  # type: ignore[arg-type]
        with pytest.raises(ValidationError):
            call()
    with pytest.raises(ValidationError) as caught:
        providers.create_provider(admin_id, openai_input(name="Builtin"))
    assert caught.value.field == "name"


@pytest.mark.parametrize(("changes", "field"), [
    ({"name": " "}, "name"),
    ({"kind": "anthropic"}, "kind"),
    ({"model": ""}, "model"),
    ({"api_key": None}, "api_key"),
    ({"api_key": "has space"}, "api_key"),
    ({"kind": "openai_compatible", "base_url": ""}, "base_url"),
    ({"base_url": "ftp://example.com"}, "base_url"),
    ({"priority": -1}, "priority"),
    ({"input_price_micros": -5}, "input_price_micros"),
    ({"output_price_micros": 1.5}, "output_price_micros"),
    ({"timeout_seconds": 0}, "timeout_seconds"),
    ({"max_output_tokens": 0}, "max_output_tokens"),
    ({"daily_cap_micros": -1}, "daily_cap_micros"),
])
def test_provider_settings_are_checked(admin_id, changes, field):
    with pytest.raises(ValidationError) as caught:
        providers.create_provider(admin_id, openai_input(**changes))
    assert caught.value.field == field
    assert snapshot()[0] == []


def test_names_are_unique_and_unknown_providers_are_not_found(admin_id):
    view = providers.create_provider(admin_id, openai_input())
    with pytest.raises(ValidationError):
        providers.create_provider(admin_id, openai_input(name="openai"))
    with pytest.raises(NotFound):
        providers.update_provider(admin_id, 9999, priority=1)
    with pytest.raises(ValidationError):
        providers.update_provider(admin_id, view.id, colour="blue")


def test_local_servers_need_no_key_and_azure_gets_an_api_version(admin_id):
    local = providers.create_provider(admin_id, ProviderInput(
        name="Ollama", kind="openai_compatible", model="llama3.1:8b", base_url="http://127.0.0.1:11434/v1"))
    assert local.api_key_hint == ""
    azure = providers.create_provider(admin_id, ProviderInput(
        name="Azure", kind="azure_openai", model="vigor-gpt4o", api_key=KEY,
        base_url="https://vigor.openai.azure.com"))
    assert azure.api_version == "2024-10-21"
    # a key can be removed from a local server, not from a cloud one
    providers.update_provider(admin_id, local.id, api_key="")
    with pytest.raises(ValidationError):
        providers.update_provider(admin_id, azure.id, api_key="")
    # keeping the key: leave it out
    updated = providers.update_provider(admin_id, azure.id, model="vigor-gpt4o-mini")
    assert updated.api_key_hint.endswith("wxyz")


def test_bootstrap_creates_providers_from_the_environment_once(ai):
    ai.setenv("OPENAI_API_KEY", KEY)
    ai.setenv("GEMINI_API_KEY", "AIza-gemini-0123456789abcd")
    ai.setenv("PERPLEXITY_API_KEY", "pplx-0123456789abcdefgh")
    ai.setenv("AZURE_OPENAI_API_KEY", "azure-0123456789abcdefgh")
    ai.setenv("AZURE_OPENAI_ENDPOINT", "https://vigor.openai.azure.com")
    ai.setenv("AZURE_OPENAI_DEPLOYMENT", "vigor-gpt4o")
    reload_settings()
    assert provider_bootstrap.bootstrap_from_env() == ["OpenAI", "Azure OpenAI", "Gemini", "Perplexity"]
    assert provider_bootstrap.bootstrap_from_env() == []  # not twice
    admin = add_user("boss", "admin")
    listed = providers.list_providers(admin)
    assert [(v.name, v.kind, v.priority) for v in listed[:-1]] == [
        ("OpenAI", "openai", 10), ("Azure OpenAI", "azure_openai", 20), ("Gemini", "gemini", 30),
        ("Perplexity", "perplexity", 40)]
    assert (listed[0].input_price_micros, listed[0].output_price_micros) == (150_000, 600_000)
    assert listed[2].base_url == "https://generativelanguage.googleapis.com/v1beta/openai/"
    with db.read_only() as session:
        audits = session.exec(select(AuditEntry)).all()
    assert len(audits) == 4 and all(a.actor_user_id is None for a in audits)
    assert all("VERYSECRET" not in (a.after or "") for a in audits)


def test_bootstrap_with_a_local_base_url_only(ai):
    ai.setenv("OPENAI_BASE_URL", "http://127.0.0.1:11434/v1")
    ai.setenv("OPENAI_MODEL", "llama3.1:8b")
    reload_settings()
    assert provider_bootstrap.bootstrap_from_env() == ["Local model"]
    with db.read_only() as session:
        row = session.exec(select(AiProvider)).one()
    assert (row.kind, row.api_key_encrypted, row.input_price_micros) == ("openai_compatible", None, 0)


def test_bootstrap_without_settings_does_nothing(ai):
    assert provider_bootstrap.bootstrap_from_env() == []


def test_circuits_can_be_read_and_reset_by_admins(admin_id):
    from datetime import UTC, datetime

    from vigor_app.services.ai import circuit

    view = providers.create_provider(admin_id, openai_input())
    with db.transaction() as session:
        circuit.record_failure(session, view.id, datetime.now(UTC), threshold=1, error="RateLimitError")
    report = provider_health.circuit_report(admin_id)
    assert [(c.name, c.state, c.last_error) for c in report] == [("OpenAI", "open", "RateLimitError")]
    assert report[0].retry_at is not None
    provider_health.reset_circuit(admin_id, view.id)
    assert provider_health.circuit_report(admin_id)[0].state == "closed"
