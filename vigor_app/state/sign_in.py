"""Sign in, register, and sign in with an OpenID Connect provider."""

from __future__ import annotations

import asyncio
from urllib.parse import quote

import reflex as rx

from vigor_app.services.accounts import accounts, single_sign_on
from vigor_app.services.accounts.return_paths import safe_return_path
from vigor_app.services.errors import ValidationError, VigorError
from vigor_app.state.arguments import form_field
from vigor_app.state.auth import AuthState


class SignInState(AuthState):
    login_error: str = ""
    password_error: str = ""
    form_error: str = ""

    @rx.var
    def sso_name(self) -> str:
        return single_sign_on.provider_name()

    @rx.var
    def sso_url(self) -> str:
        if not single_sign_on.enabled():
            return ""
        next_path = safe_return_path(self.router.url.query_parameters.get("next"))
        return f"/auth/oidc/login?next={quote(next_path, safe='')}"

    def _clear_errors(self) -> None:
        self.login_error = self.password_error = self.form_error = ""

    @rx.event
    async def sign_in(self, form_data: dict):
        """Checking a password takes ~0.1 s of CPU: it runs in a thread, so other tabs on this
        worker are not kept waiting (argon2 releases the GIL)."""
        self._clear_errors()
        try:
            signed_in = await asyncio.to_thread(
                accounts.sign_in, form_field(form_data, "login"), form_field(form_data, "password"),
                client_ip=self._client_ip(),
            )
        except ValidationError as exc:
            if exc.field == "login":
                self.login_error = exc.message
            elif exc.field == "password":
                self.password_error = exc.message
            else:
                self.form_error = exc.message
            return None
        except VigorError as exc:
            self.form_error = exc.message
            return None
        await self._forget_every_page()
        self._start_session(signed_in.user, signed_in.token)
        return rx.redirect(safe_return_path(self.router.url.query_parameters.get("next")))


_REGISTER_ERROR_FIELDS = {
    "email": "email_error", "username": "username_error", "password": "password_error",
}


class RegisterState(AuthState):
    email_error: str = ""
    username_error: str = ""
    password_error: str = ""
    confirm_error: str = ""
    form_error: str = ""

    @rx.event
    async def register(self, form_data: dict):
        """Hashing the password runs in a thread, as in SignInState.sign_in."""
        self.email_error = self.username_error = self.password_error = ""
        self.confirm_error = self.form_error = ""
        password = form_field(form_data, "password")
        if password != form_field(form_data, "confirm_password"):
            self.confirm_error = "The two passwords do not match."
            return None
        try:
            signed_in = await asyncio.to_thread(
                accounts.register, form_field(form_data, "email"), form_field(form_data, "username"),
                password, client_ip=self._client_ip(),
            )
        except VigorError as exc:
            setattr(self, _REGISTER_ERROR_FIELDS.get(exc.field or "", "form_error"), exc.message)
            return None
        await self._forget_every_page()
        self._start_session(signed_in.user, signed_in.token)
        return rx.redirect("/onboarding")


class SingleSignOnState(AuthState):
    """The last step of single sign-on: trade the one-time ticket for a session.

    Only in the browser that started the sign-in: its browser key is an HttpOnly cookie, which
    page code cannot read but the browser sends with the websocket's handshake, whose headers
    this handler sees on the server (`self.router.headers.cookie`, never sent to the page)."""

    error: str = ""

    @rx.event
    def finish(self):
        self.error = ""
        ticket = self.router.url.query_parameters.get("ticket", "")
        problem = self.router.url.query_parameters.get("error", "")
        if problem:  # a code: its fixed message, never the text of the link
            self.error = single_sign_on.error_message(problem)
            return None
        browser_keys = single_sign_on.browser_keys_from(self.router.headers.cookie)
        try:
            signed_in, return_to = single_sign_on.redeem_ticket(ticket, browser_keys=browser_keys,
                                                                client_ip=self._client_ip())
        except VigorError as exc:
            self.error = exc.message
            return None
        self._start_session(signed_in.user, signed_in.token)
        return rx.redirect(safe_return_path(return_to), replace=True)
