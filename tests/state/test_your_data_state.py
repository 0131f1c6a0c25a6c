"""Export, import and account deletion through the Profile page's handlers."""

import base64
import json
from pathlib import Path

from sqlmodel import select

from tests.factories import DEFAULT_PASSWORD, make_user
from tests.state.conftest import redirect_path
from vigor_app import db
from vigor_app.models import User, WorkoutSession
from vigor_app.state.your_data import YourDataState

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


def _tab(browser, name="alice"):
    me = make_user(name)
    tab = browser()
    tab.state(YourDataState).session_token = me.token
    return tab, me


def test_downloads_carry_only_my_data(browser):
    tab, me = _tab(browser)
    make_user("bob")
    _, spec = tab.call(YourDataState, "download_json", path="/profile")
    args = {name._js_expr: value for name, value in spec.args}
    url = args["url"]._var_value
    assert url.startswith("data:") and ";base64," in url
    text = base64.b64decode(url.split(";base64,", 1)[1]).decode()
    payload = json.loads(text)
    assert payload["account"]["email"] == "alice@example.com"
    assert "bob@example.com" not in text
    _, spec = tab.call(YourDataState, "download_csv", path="/profile")
    assert {name._js_expr: value for name, value in spec.args}["filename"]._var_value == "vigor-sets.csv"


def test_import_reports_what_it_did_and_refuses_bad_files(browser):
    tab, me = _tab(browser)
    state = tab.state(YourDataState, "/profile")
    state._import(me.user.id, (FIXTURES / "hevy.csv").read_bytes())
    assert state.import_message.startswith("Imported") and state.import_error == ""
    with db.read_only() as session:
        imported = len(session.exec(select(WorkoutSession).where(WorkoutSession.user_id == me.user.id)).all())
    assert imported > 0
    state._import(me.user.id, b"not,a,known\nheader,at,all\n")
    assert state.import_error
    state._import(me.user.id, b"x" * (5 * 1024 * 1024 + 1))
    assert "over 5 MB" in state.import_error


def test_delete_account_needs_username_and_password(browser):
    tab, me = _tab(browser)
    state, result = tab.call(YourDataState, "delete_account", {"confirm": "alice", "password": "wrong-one-1"},
                             path="/profile")
    assert result is None and state.delete_error
    state, result = tab.call(YourDataState, "delete_account", {"confirm": "bob", "password": DEFAULT_PASSWORD},
                             path="/profile")
    assert result is None and state.delete_error
    with db.read_only() as session:
        assert session.get(User, me.user.id) is not None
    state, result = tab.call(YourDataState, "delete_account", {"confirm": "alice", "password": DEFAULT_PASSWORD},
                             path="/profile")
    assert redirect_path(result) == "/"
    assert state.session_token == "" and not state.signed_in
    with db.read_only() as session:
        assert session.get(User, me.user.id) is None


def test_anonymous_tab_downloads_nothing(browser):
    tab = browser()
    _, spec = tab.call(YourDataState, "download_json", path="/profile")
    assert spec is None


class CountingUpload:
    """What the upload handler is given, `size` bytes long, made up as read and counted."""

    def __init__(self, size: int, content: bytes = b"") -> None:
        self.content, self.left, self.read_bytes = content, size, 0
        self.size = None  # the browser did not say

    async def read(self, size: int = -1) -> bytes:
        if self.content:
            piece, self.content = (self.content, b"") if size < 0 else (self.content[:size], self.content[size:])
            self.read_bytes += len(piece)
            return piece
        size = self.left if size < 0 else min(size, self.left)
        self.left -= size
        self.read_bytes += size
        return b"x" * size


def test_an_oversized_upload_is_refused_before_it_is_all_read(browser):
    tab, me = _tab(browser)
    upload = CountingUpload(200 * 1024 * 1024)
    state, _ = tab.call(YourDataState, "handle_upload", [upload], path="/profile")
    assert "5 MB" in state.import_error and state.import_message == ""
    assert upload.read_bytes <= 5 * 1024 * 1024 + 1  # not the 200 MB
    with db.read_only() as session:
        assert session.exec(select(WorkoutSession).where(WorkoutSession.user_id == me.user.id)).all() == []
    data = (FIXTURES / "hevy.csv").read_bytes()
    small = CountingUpload(0, content=data)
    state, _ = tab.call(YourDataState, "handle_upload", [small], path="/profile")
    assert state.import_message.startswith("Imported 2 workouts") and state.import_error == ""
    assert small.read_bytes == len(data)
