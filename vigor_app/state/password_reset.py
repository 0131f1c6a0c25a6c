"""Forgot password and choose a new one."""

from __future__ import annotations

import asyncio

import reflex as rx

from vigor_app.services.accounts import password_reset
from vigor_app.services.accounts.mailer import MailError
from vigor_app.services.errors import ValidationError, VigorError
from vigor_app.state.arguments import form_field
from vigor_app.state.auth import AuthState

SENT_MESSAGE = (
    "If an account uses that e-mail, a reset link is on its way. It works once, for a limited time."
)


class _StartsFresh(rx.State, mixin=True):
    """A form page whose state starts fresh on load (`start` is its on_load)."""

    @rx.event
    def start(self):
        self._forget()  # every field back to its default: no errors, nothing sent or done
        self._started()

    def _started(self) -> None:
        """What else the page checks as it loads."""


class ForgotPasswordState(_StartsFresh, AuthState):
    email_error: str = ""
    form_error: str = ""
    sent: bool = False

    @rx.event(background=True)
    async def request_link(self, form_data: dict):
        """Sending e-mail waits on the network, so it runs off the state lock."""
        async with self:
            self.email_error = self.form_error = ""
            client_ip = self._client_ip()
        email = form_field(form_data, "email")
        try:
            await asyncio.to_thread(password_reset.request_reset, email, client_ip=client_ip)
        except ValidationError as exc:
            async with self:
                self.email_error = exc.message
            return
        except MailError as exc:
            async with self:
                self.form_error = str(exc)
            return
        async with self:
            self.sent = True


class ResetPasswordState(_StartsFresh, AuthState):
    password_error: str = ""
    confirm_error: str = ""
    form_error: str = ""
    done: bool = False

    def _started(self) -> None:
        if not self.router.url.query_parameters.get("token"):
            self.form_error = "This reset link is incomplete. Ask for a new one."

    @rx.event
    async def set_new_password(self, form_data: dict):
        """Hashing the new password runs in a thread, as signing in does."""
        self.password_error = self.confirm_error = self.form_error = ""
        password = form_field(form_data, "password")
        if password != form_field(form_data, "confirm_password"):
            self.confirm_error = "The two passwords do not match."
            return
        token = self.router.url.query_parameters.get("token", "")
        try:
            await asyncio.to_thread(password_reset.reset_password, token, password, client_ip=self._client_ip())
        except VigorError as exc:
            if exc.field == "password":
                self.password_error = exc.message
            else:
                self.form_error = exc.message
            return
        self.done = True
