"""The base of every private state: who is asking, checked on the server every time.

The browser keeps an opaque session token in local storage; the server keeps its hash.
A redirect is not protection: every handler that touches private data calls
`self._current_user()` (or `_require_user()`) and acts only for the user it returns.
"""

from __future__ import annotations

from urllib.parse import quote

import reflex as rx

from vigor_app.services.accounts import sessions as auth_sessions
from vigor_app.services.accounts.return_paths import safe_return_path
from vigor_app.services.accounts.sessions import CurrentUser

SESSION_STORAGE_KEY = "vigor_session"


class AuthState(rx.State):
    """Who is signed in. Display fields only mirror the server's answer; nothing is trusted."""

    session_token: str = rx.LocalStorage("", name=SESSION_STORAGE_KEY, sync=True)
    signed_in: bool = False
    username: str = ""
    email: str = ""
    is_admin: bool = False
    _shown_for: dict[str, int] = {}  # state name -> the person whose data it holds

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
        self._keep_private_to(user.id if user else 0)
        return user

    # -- one person's data stays with that person ---------------------------------------------

    def _keep_private_to(self, user_id: int) -> None:
        """A page state that holds another person's data (or anyone's, once signed out) forgets
        it before it answers: the tab may have changed hands since it was filled."""
        cls = self.__class__  # the state's own class, also through a background task's proxy
        if cls is AuthState:
            return
        name = cls.get_full_name()
        if self._shown_for.get(name, 0) != user_id:
            self._forget()
            self._shown_for = {**self._shown_for, name: user_id}

    def _forget(self) -> None:
        """Every field this page state declares back to its default (the session token and
        who is signed in belong to AuthState and stay)."""
        cls = self.__class__  # the state's own class, also through a background task's proxy
        for name, field in cls.__fields__.items():
            if field._owner is cls:
                setattr(self, name, field.default_value())

    async def _forget_every_page(self) -> None:
        """At sign-out and sign-in: every private page state of this tab forgets its data,
        including those not loaded for this event (Reflex loads state lazily)."""
        for cls in private_states():
            state = await self.get_state(cls)
            state._forget()
        self._shown_for = {}

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
    async def sign_out(self):
        auth_sessions.end_session(self.session_token)
        self.session_token = ""
        self._show_user(None)
        await self._forget_every_page()
        return rx.redirect("/signin")


def private_states() -> list[type[AuthState]]:
    """Every state class built on AuthState: the pages that may hold a person's data."""
    found, stack = [], list(AuthState.__subclasses__())
    while stack:
        cls = stack.pop()
        found.append(cls)
        stack.extend(cls.__subclasses__())
    return found
