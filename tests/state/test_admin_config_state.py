"""The configuration page's handlers: an admin downloads the configuration, uploads one, sees
what would change and the keys it needs, applies it; a member is refused and nothing is read or
changed; a file that is not a configuration is said, with the place at fault."""

from __future__ import annotations

import json

from sqlmodel import select

from tests.factories import make_admin, make_user
from vigor_app import db
from vigor_app.models import AiProvider, AuditEntry
from vigor_app.services.ai import config_transfer, providers
from vigor_app.services.ai.providers import ProviderInput
from vigor_app.state.admin_config import ConfigTransferState

PATH = "/admin/config"
KEY = "sk-lab-0123456789abcdef"


class _Upload:
    def __init__(self, content: bytes, name: str = "config.json") -> None:
        self.content, self.name = content, name

    async def read(self, size: int = -1) -> bytes:
        data, self.content = (self.content, b"") if size < 0 else (self.content[:size], self.content[size:])
        return data


def _tab(browser, token: str):
    tab = browser()
    tab.state(ConfigTransferState, PATH).session_token = token
    return tab


def _document(admin_id: int) -> dict:
    providers.create_provider(admin_id, ProviderInput(name="Lab", kind="openai_compatible", model="lab",
                                                      base_url="http://127.0.0.1:9/v1", api_key=KEY))
    document = config_transfer.export(admin_id)
    document["providers"].append({**document["providers"][0], "name": "Second Lab", "priority": 200})
    return document


def test_an_admin_previews_an_upload_gives_its_key_and_applies_it(browser):
    boss = make_admin()
    document = _document(boss.user.id)
    tab = _tab(browser, boss.token)

    state, answer = tab.call(ConfigTransferState, "download", path=PATH)
    assert "vigor-ai-config.json" in str(answer) and KEY not in str(answer)

    state, _ = tab.call(ConfigTransferState, "handle_upload", [_Upload(json.dumps(document).encode())], path=PATH)
    assert state.error == "" and state.previewed
    assert [(c["section"], c["item"], c["action"]) for c in state.changes] == [("Providers", "Second Lab", "Added")]
    assert state.needs_key == ["Second Lab"]
    with db.read_only() as session:
        assert len(session.exec(select(AiProvider)).all()) == 1  # the preview wrote nothing

    state, answer = tab.call(ConfigTransferState, "apply", {"key_0": "sk-second-0123456789abcdef"}, path=PATH)
    assert state.error == "" and not state.previewed and state.changes == []
    with db.read_only() as session:
        second = session.exec(select(AiProvider).where(AiProvider.name == "Second Lab")).one()
        assert second.enabled and second.api_key_last4 == "cdef"
        [entry] = session.exec(select(AuditEntry).where(AuditEntry.action == "ai.config_imported")).all()
    assert "sk-second" not in (entry.after or "")


def test_a_refused_file_is_said_with_its_place_and_nothing_is_kept(browser):
    boss = make_admin()
    document = _document(boss.user.id)
    document["routes"] = [{"feature": "plan", "tier": None, "providers": ["Ghost"]}]
    tab = _tab(browser, boss.token)
    state, _ = tab.call(ConfigTransferState, "handle_upload", [_Upload(json.dumps(document).encode())], path=PATH)
    assert state.error.startswith("routes[0].providers[0]: ") and not state.previewed
    state, _ = tab.call(ConfigTransferState, "handle_upload", [_Upload(b"\xff\xfe not text")], path=PATH)
    assert state.error == "The file is not text (UTF-8)."
    state, _ = tab.call(ConfigTransferState, "handle_upload", [_Upload(b"{" * 600_000)], path=PATH)
    assert "the most we take" in state.error
    state, _ = tab.call(ConfigTransferState, "apply", {}, path=PATH)  # nothing previewed: nothing applied
    assert state.error == "Upload a configuration file first."


def test_a_member_is_refused_and_nothing_changes(browser):
    boss, member = make_admin(), make_user("molly")
    document = _document(boss.user.id)
    document["providers"] = []
    document["routes"] = []
    tab = _tab(browser, member.token)
    state, answer = tab.call(ConfigTransferState, "download", path=PATH)
    assert "Lab" not in str(answer) and "download" not in str(answer).lower()
    state, _ = tab.call(ConfigTransferState, "handle_upload", [_Upload(json.dumps(document).encode())], path=PATH)
    assert not state.previewed and state.changes == []
    state._document, state.previewed = document, True  # even a state that holds a document
    tab.call(ConfigTransferState, "apply", {}, path=PATH)
    with db.read_only() as session:
        assert len(session.exec(select(AiProvider)).all()) == 1
        assert not session.exec(select(AuditEntry).where(AuditEntry.action == "ai.config_imported")).all()
