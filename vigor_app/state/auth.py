"""The base of every private state: who is asking, checked on the server every time.

The browser keeps an opaque session token in local storage; the server keeps its hash.
A redirect is not protection: every handler that touches private data calls
`self._current_user()` (or `_require_user()`) and acts only for the user it returns.
"""

from __future__ import annotations

from urllib.parse import quote

import reflex as rx

from vigor_app.services import auth_sessions
from vigor_app.services.auth_sessions import CurrentUser
from vigor_app.services.return_paths import safe_return_path

SESSION_STORAGE_KEY = "vigor_session"


class AuthState(rx.State):
    """Who is signed in. Display fields only mirror the server's answer; nothing is trusted."""

    session_token: str = rx.LocalStorage("", name=SESSION_STORAGE_KEY, sync=True)
    signed_in: bool = False
    username: str = ""
    email: str = ""
    is_admin: bool = False

    def _client_ip(self) -> str:
        return (self.router.session.client_ip or "")[:64]

    def _show_user(self, user: CurrentUser | None) -> None:
        self.signed_in = user is not None
        self.username = user.username if user else ""
        self.email = user.email if user else ""
        self.is_admin = bool(user and user.is_admin)

    def _current_user(self) -> CurrentUser | None:
        """The user behind this browser's session token, looked up in the database now."""
        user = auth_sessions.resolve(self.session_token)
        self._show_user(user)
        return user

    def _sign_in_redirect(self):
        path = self.router.url.path or "/dashboard"
        query = self.router.url.query
        target = path + (f"?{query}" if query else "")
        return rx.redirect(f"/signin?next={quote(safe_return_path(target), safe='')}")

    def _start_session(self, user: CurrentUser, token: str) -> None:
        self.session_token = token
        self._show_user(user)

    @rx.event
    def require_login(self):
        """on_load of every private page: anonymous visitors go to sign-in and come back."""
        if self._current_user() is None:
            self.session_token = ""
            return self._sign_in_redirect()
        return None

    @rx.event
    def check_visitor(self):
        """on_load of public pages: know whether someone is signed in, without redirecting."""
        if self._current_user() is None and self.session_token:
            self.session_token = ""

    @rx.event
    def redirect_signed_in(self):
        """on_load of sign-in and register: a signed-in person goes straight to the app."""
        if self._current_user() is not None:
            next_path = self.router.url.query_parameters.get("next")
            return rx.redirect(safe_return_path(next_path))
        if self.session_token:
            self.session_token = ""
        return None

    @rx.event
    def sign_out(self):
        auth_sessions.end_session(self.session_token)
        self.session_token = ""
        self._show_user(None)
        return rx.redirect("/signin")
