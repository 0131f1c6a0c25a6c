"""The base of every private state: who is asking, checked on the server every time.

The browser keeps an opaque session token in local storage; the server keeps its hash.
A redirect is not protection: every handler that touches private data calls
`self._current_user()` (or `_as_user()`, which calls a service for that person and shows its
error) and acts only for the user it returns.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar
from urllib.parse import quote

import reflex as rx

from vigor_app.services.accounts import sessions as auth_sessions
from vigor_app.services.accounts.return_paths import safe_return_path
from vigor_app.services.accounts.sessions import CurrentUser
from vigor_app.services.errors import VigorError

SESSION_STORAGE_KEY = "vigor_session"

T = TypeVar("T")
# Where a service's error is shown: None, a toast; a state var's name, that var (a text var gets
# the message, a dict var {the field at fault (or "form"): message}); a function, whatever it
# does with the error, its return value being the handler's answer.
ErrorShown = str | Callable[[VigorError], Any] | None


@dataclass(frozen=True)
class Outcome(Generic[T]):
    """What `_as_user` / `_as_admin` came back with. When not `ok`, the handler returns
    `answer` (a refusal or the error as a toast; None when the error went into a field)."""

    ok: bool
    user: CurrentUser | None = None
    value: T | None = None
    answer: Any = None


def field_errors(exc: VigorError, fields: dict[str, str] | None = None) -> dict[str, str]:
    """A service error as {form field: message}; an error with no field goes under "form".
    `fields` renames the service's field names to the form's."""
    name = (fields or {}).get(exc.field or "", exc.field or "form")
    return {name: exc.message}


class AuthState(rx.State):
    """Who is signed in. Display fields only mirror the server's answer; nothing is trusted."""

    session_token: str = rx.LocalStorage("", name=SESSION_STORAGE_KEY, sync=True)
    signed_in: bool = False
    username: str = ""
    email: str = ""
    is_admin: bool = False
    # The private page whose on_load has finished: the shell shows a page once its data is in,
    # whole, instead of letting it grow piece by piece under the person's eyes (layout shifts).
    shown_page: str = ""
    _shown_for: dict[str, int] = {}  # state name -> the person whose data it holds

    def _client_ip(self) -> str:
        return (self.router.session.client_ip or "")[:64]

    def _show_user(self, user: CurrentUser | None) -> None:
        """Who is signed in, as the pages show it. Only what changed is set: Reflex sends every
        variable set by an event, and this runs on every event."""
        shown = {"signed_in": user is not None, "username": user.username if user else "",
                 "email": user.email if user else "", "is_admin": bool(user and user.is_admin)}
        if user is None:
            shown["shown_page"] = ""
        for name, value in shown.items():
            if getattr(self, name) != value:
                setattr(self, name, value)

    def _current_user(self) -> CurrentUser | None:
        """The user behind this browser's session token, looked up in the database now."""
        user = auth_sessions.resolve(self.session_token)
        self._show_user(user)
        self._keep_private_to(user.id if user else 0)
        return user

    def _user(self) -> CurrentUser | None:
        """Who is asking, for `_as_user` (a page that clears something for nobody overrides it)."""
        return self._current_user()

    # -- calling a service for the person asking -------------------------------------------------

    def _as_user(self, action: Callable[[CurrentUser], T], *, error: ErrorShown = None) -> Outcome[T]:
        """`action(user)` for the signed-in person, a service's error shown where `error` says.
        Nobody signed in: nothing is called and the answer is None."""
        user = self._user()
        if user is None:
            return Outcome(ok=False)
        return self._attempt(user, action, error)

    def _attempt(self, user: CurrentUser, action: Callable[[CurrentUser], T], error: ErrorShown) -> Outcome[T]:
        try:
            value = action(user)
        except VigorError as exc:
            return Outcome(ok=False, user=user, answer=self._show_error(exc, error))
        return Outcome(ok=True, user=user, value=value)

    def _show_error(self, exc: VigorError, error: ErrorShown):
        """Show a service's error (see `ErrorShown`); returns what the handler answers."""
        if error is None:
            return rx.toast.error(exc.message)
        if callable(error):
            return error(exc)
        shown = field_errors(exc) if isinstance(getattr(self, error), dict) else exc.message
        setattr(self, error, shown)
        return None

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
    def page_loaded(self, route: str):
        """The last on_load event of every private page: its own on_load handlers are done."""
        self.shown_page = route[:200] if self.signed_in and isinstance(route, str) else ""

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
