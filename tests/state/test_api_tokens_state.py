"""The Profile page's API tokens: made and shown once, listed, revoked, refused with the field
at fault; each person sees and revokes only their own."""

from tests.factories import make_admin, make_user
from vigor_app.services.accounts import api_tokens
from vigor_app.state.api_tokens import ApiTokensState


def _tab(browser, token: str):
    tab = browser()
    tab.state(ApiTokensState).session_token = token
    return tab


def test_a_token_is_shown_once_then_listed_without_its_secret(browser):
    me = make_user("alice")
    tab = _tab(browser, me.token)
    state, _ = tab.call(ApiTokensState, "create", {"token_name": "Watch", "scope_write": "on",
                                                   "expires_in_days": "30"}, path="/profile")
    made = state.new_token
    assert made.startswith("vgr_") and state.new_token_name == "Watch" and state.errors == {}
    caller = api_tokens.resolve(made)
    assert caller is not None and caller.user.id == me.user.id and caller.scopes == {"read", "write"}
    [row] = state.tokens
    assert row["name"] == "Watch" and made not in str(state.tokens)
    assert row["scopes"] == "read your data, change your data" and row["used"] != ""
    state, _ = tab.call(ApiTokensState, "dismiss_new_token", path="/profile")
    assert state.new_token == ""
    state, _ = tab.call(ApiTokensState, "create", {"token_name": "Phone", "expires_in_days": "7"}, path="/profile")
    assert state.new_token.startswith("vgr_")
    state, _ = tab.call(ApiTokensState, "load", path="/profile")  # the page opened again: not shown
    assert [t["name"] for t in state.tokens] == ["Phone", "Watch"] and state.new_token == ""


def test_a_read_only_token_that_never_expires(browser):
    me = make_user("alice")
    tab = _tab(browser, me.token)
    state, _ = tab.call(ApiTokensState, "create", {"token_name": "Spreadsheet", "expires_in_days": "never"},
                        path="/profile")
    assert api_tokens.resolve(state.new_token).scopes == {"read"}
    assert state.tokens[0]["expires"] == "never expires"


def test_refusals_name_the_field_and_make_nothing(browser):
    me = make_user("alice")
    tab = _tab(browser, me.token)
    for form, field in (({"token_name": "", "expires_in_days": "30"}, "name"),
                        ({"token_name": "ok", "expires_in_days": "12"}, "expires_in_days"),
                        ({"token_name": "ok", "expires_in_days": "soon"}, "expires_in_days"),
                        ({"token_name": "ok", "scope_admin": "on", "expires_in_days": "30"}, "scopes")):
        state, _ = tab.call(ApiTokensState, "create", form, path="/profile")
        assert field in state.errors and state.new_token == "", form
    assert api_tokens.tokens(me.user.id) == []


def test_an_admin_may_make_an_admin_token(browser):
    boss = make_admin()
    tab = _tab(browser, boss.token)
    state, _ = tab.call(ApiTokensState, "create", {"token_name": "Console", "scope_admin": "on",
                                                   "expires_in_days": "7"}, path="/profile")
    assert api_tokens.resolve(state.new_token).scopes == {"read", "admin"}


def test_revoking_ends_the_token_and_only_the_owner_can(browser):
    alice, bob = make_user("alice"), make_user("bob")
    made = api_tokens.create(alice.user.id, "Alice's watch", ["read"])
    bobs_tab = _tab(browser, bob.token)
    state, _ = bobs_tab.call(ApiTokensState, "revoke", str(made.view.id), path="/profile")
    assert state.tokens == [] and api_tokens.resolve(made.token) is not None
    tab = _tab(browser, alice.token)
    state, _ = tab.call(ApiTokensState, "load", path="/profile")
    assert [t["name"] for t in state.tokens] == ["Alice's watch"]
    state, _ = tab.call(ApiTokensState, "revoke", state.tokens[0]["id"], path="/profile")
    assert state.tokens == [] and api_tokens.resolve(made.token) is None


def test_a_signed_out_tab_makes_nothing(browser):
    tab = browser()
    state, _ = tab.call(ApiTokensState, "create", {"token_name": "x", "expires_in_days": "30"}, path="/profile")
    assert state.new_token == "" and state.tokens == []
