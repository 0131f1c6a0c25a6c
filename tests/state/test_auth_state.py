"""Sign-in, register, sign-out and page protection, through the State handlers."""

import pytest

from tests.factories import DEFAULT_PASSWORD, make_user
from tests.state.conftest import redirect_path
from vigor_app.services import auth_sessions
from vigor_app.state.auth import AuthState
from vigor_app.state.sign_in import RegisterState, SignInState


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
