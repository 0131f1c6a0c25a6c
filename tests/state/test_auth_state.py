"""Sign-in, register, sign-out and page protection, through the State handlers."""

import pytest
from sqlmodel import func, select

from tests.factories import DEFAULT_PASSWORD, make_user
from tests.state.conftest import redirect_path
from vigor_app import db
from vigor_app.models import AuthSession
from vigor_app.services.accounts import oidc, single_sign_on
from vigor_app.services.accounts import sessions as auth_sessions
from vigor_app.services.accounts.tokens import new_token, token_hash
from vigor_app.state.auth import AuthState
from vigor_app.state.sign_in import RegisterState, SignInState, SingleSignOnState


def test_anonymous_visit_to_a_private_page_redirects_to_sign_in_with_the_way_back(browser):
    tab = browser()
    _, result = tab.call(AuthState, "require_login", path="/progress")
    assert redirect_path(result) == "/signin?next=%2Fprogress"


def test_sign_in_stores_the_token_and_returns_to_the_page(browser):
    make_user("alice")
    tab = browser()
    state, result = tab.call(SignInState, "sign_in", {"login": "alice", "password": DEFAULT_PASSWORD},
                             path="/signin", query={"next": "/progress"})
    assert redirect_path(result) == "/progress"
    assert state.signed_in and state.username == "alice"
    assert auth_sessions.resolve(state.session_token).username == "alice"
    _, result = tab.call(AuthState, "require_login", path="/progress")
    assert result is None


def test_wrong_password_shows_an_error_and_signs_nobody_in(browser):
    make_user("alice")
    tab = browser()
    state, result = tab.call(SignInState, "sign_in", {"login": "alice", "password": "Nope-Nope-123"},
                             path="/signin")
    assert result is None
    assert "do not match" in state.form_error
    assert state.session_token == ""
    assert not state.signed_in


def test_open_redirects_are_not_followed(browser):
    make_user("alice")
    tab = browser()
    _, result = tab.call(SignInState, "sign_in", {"login": "alice", "password": DEFAULT_PASSWORD},
                         path="/signin", query={"next": "//evil.example/steal"})
    assert redirect_path(result) == "/dashboard"


def test_sixth_sign_in_attempt_is_throttled(browser):
    make_user("alice")
    tab = browser()
    for _ in range(5):
        state, _ = tab.call(SignInState, "sign_in", {"login": "alice", "password": "Wrong-Guess-1"},
                            path="/signin")
        assert "do not match" in state.form_error
    state, result = tab.call(SignInState, "sign_in", {"login": "alice", "password": DEFAULT_PASSWORD},
                             path="/signin")
    assert result is None
    assert "Too many failed sign-in attempts" in state.form_error
    assert state.session_token == ""


def test_register_with_errors_keeps_the_field_messages_apart(browser):
    tab = browser()
    state, result = tab.call(RegisterState, "register", {
        "email": "bad", "username": "newbie", "password": DEFAULT_PASSWORD,
        "confirm_password": DEFAULT_PASSWORD,
    }, path="/register")
    assert result is None
    assert state.email_error and not state.username_error
    state, _ = tab.call(RegisterState, "register", {
        "email": "new@example.com", "username": "newbie", "password": DEFAULT_PASSWORD,
        "confirm_password": "something-else",
    }, path="/register")
    assert state.confirm_error == "The two passwords do not match."
    state, result = tab.call(RegisterState, "register", {
        "email": "new@example.com", "username": "newbie", "password": DEFAULT_PASSWORD,
        "confirm_password": DEFAULT_PASSWORD,
    }, path="/register")
    assert redirect_path(result) == "/onboarding"
    assert state.signed_in and state.email == "new@example.com"


def test_sign_out_ends_the_session_on_the_server(browser):
    make_user("alice")
    tab = browser()
    state, _ = tab.call(SignInState, "sign_in", {"login": "alice", "password": DEFAULT_PASSWORD},
                        path="/signin")
    token = state.session_token
    state, result = tab.call(AuthState, "sign_out", path="/dashboard")
    assert redirect_path(result) == "/signin"
    assert state.session_token == "" and not state.signed_in
    assert auth_sessions.resolve(token) is None


def test_a_stolen_display_flag_is_not_trusted(browser):
    """Even if the state says signed_in, a handler asks the database again."""
    tab = browser()
    state = tab.state(AuthState, "/dashboard")
    state.signed_in = True
    state.username = "alice"
    state.session_token = "forged-token"
    _, result = tab.call(AuthState, "require_login", path="/dashboard")
    assert redirect_path(result) == "/signin?next=%2Fdashboard"
    assert not state.signed_in and state.username == ""


@pytest.mark.parametrize("path", ["/signin", "/register"])
def test_signed_in_people_skip_the_sign_in_pages(browser, path):
    me = make_user("alice")
    tab = browser()
    tab.state(AuthState).session_token = me.token
    _, result = tab.call(AuthState, "redirect_signed_in", path=path)
    assert redirect_path(result) == "/dashboard"


# --- the last step of single sign-on: only in the browser that started it -----------------------


def _sso_ticket(browser_key: str, return_to: str = "/progress") -> str:
    """A ticket, as the OIDC callback issues it, for a sign-in started with `browser_key`."""
    identity = oidc.VerifiedIdentity(issuer="https://id.example.test", subject="sso-1",
                                     email="sso@example.test", email_verified=True, name="Sso Person")
    return single_sign_on.issue_ticket(identity, return_to, browser_hash=token_hash(browser_key))


def test_sso_ticket_signs_in_the_browser_that_started_the_sign_in(browser):
    key = new_token()
    ticket = _sso_ticket(key)
    tab = browser(cookies={"other": "x", f"{single_sign_on.BROWSER_COOKIE_PREFIX}a1b2c3": key})
    state, result = tab.call(SingleSignOnState, "finish", path="/auth/finish", query={"ticket": ticket})
    assert redirect_path(result) == "/progress"
    assert state.error == ""
    assert state.signed_in and state.email == "sso@example.test"
    assert auth_sessions.resolve(state.session_token).email == "sso@example.test"


@pytest.mark.parametrize("cookies", [
    {},  # a browser that never started a sign-in
    {f"{single_sign_on.BROWSER_COOKIE_PREFIX}a1b2c3": "its-own-sign-in-key"},
    {"vigor_sso": "not-ours"},
])
def test_sso_ticket_opened_in_another_browser_signs_nobody_in(browser, cookies):
    """Login CSRF: someone sends a person the /auth/finish link of a sign-in they started."""
    key = new_token()
    ticket = _sso_ticket(key)
    victim = browser(cookies=cookies)
    state, result = victim.call(SingleSignOnState, "finish", path="/auth/finish", query={"ticket": ticket})
    assert result is None
    assert state.error == single_sign_on.MESSAGES["other_browser"]
    assert not state.signed_in and state.session_token == ""
    with db.read_only() as session:
        assert session.exec(select(func.count()).select_from(AuthSession)).one() == 0
    # The browser that started it still can.
    starter = browser(cookies={f"{single_sign_on.BROWSER_COOKIE_PREFIX}ffff": key})
    state, result = starter.call(SingleSignOnState, "finish", path="/auth/finish", query={"ticket": ticket})
    assert redirect_path(result) == "/progress" and state.signed_in


@pytest.mark.parametrize("text", [
    "Your account is locked. Call +1 555 0100 to unlock it",
    "<script>alert(1)</script>",
    "x" * 5000,
    "oidc.not-a-reason",
    "provider.made_up_error",
])
def test_sso_finish_page_never_shows_the_error_text_of_a_link(browser, text):
    state, result = browser().call(SingleSignOnState, "finish", path="/auth/finish", query={"error": text})
    assert result is None
    assert state.error == single_sign_on.GENERIC_FAILURE


@pytest.mark.parametrize(("code", "message"), [
    ("link_used", "This sign-in link is not valid any more. Start again."),
    ("other_browser", single_sign_on.MESSAGES["other_browser"]),
    ("oidc.expired", "Sign-in with single sign-on failed: the token has expired."),
    ("provider.access_denied",
     "Sign-in with single sign-on failed: access was denied or the sign-in was cancelled."),
])
def test_sso_finish_page_shows_the_fixed_message_of_a_known_error_code(browser, code, message):
    state, _ = browser().call(SingleSignOnState, "finish", path="/auth/finish", query={"error": code})
    assert state.error == message
    assert not state.signed_in


def test_the_browser_cookie_is_sent_to_the_websocket_the_finish_page_runs_on():
    """The cookie is limited to the path of Reflex's websocket endpoint: it must be that path."""
    from reflex_base import constants
    from reflex_base.config import get_config

    from vigor_app.api import BROWSER_COOKIE_PATH

    assert BROWSER_COOKIE_PATH == get_config().prepend_backend_path(str(constants.Endpoint.EVENT))


def test_a_page_is_shown_once_its_own_data_has_loaded_and_not_to_nobody(browser):
    make_user("alice")
    tab = browser()
    state, _ = tab.call(AuthState, "page_loaded", "/dashboard", path="/dashboard")
    assert state.shown_page == ""  # nobody signed in: nothing to show
    tab.call(SignInState, "sign_in", {"login": "alice", "password": DEFAULT_PASSWORD}, path="/signin")
    state, _ = tab.call(AuthState, "page_loaded", "/dashboard", path="/dashboard")
    assert state.shown_page == "/dashboard"
    state, _ = tab.call(AuthState, "page_loaded", "/progress", path="/progress")
    assert state.shown_page == "/progress"
    state, _ = tab.call(AuthState, "sign_out", path="/progress")
    assert state.shown_page == ""
