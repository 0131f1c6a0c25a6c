"""The Profile page's account section: who you are and changing your password."""

from __future__ import annotations

import asyncio

import reflex as rx

from vigor_app.services.accounts import accounts
from vigor_app.services.errors import VigorError
from vigor_app.state.arguments import form_field
from vigor_app.state.auth import AuthState


class AccountState(AuthState):
    current_password_error: str = ""
    password_error: str = ""
    confirm_error: str = ""
    form_error: str = ""

    @rx.event
    async def change_password(self, form_data: dict):
        """Checking the current password and hashing the new one run in a thread (as signing in
        does), so other tabs on this worker are not kept waiting."""
        self.current_password_error = self.password_error = ""
        self.confirm_error = self.form_error = ""
        user = self._current_user()
        if user is None:
            return self._sign_in_redirect()
        new_password = form_field(form_data, "new_password")
        if new_password != form_field(form_data, "confirm_password"):
            self.confirm_error = "The two passwords do not match."
            return None
        try:
            await asyncio.to_thread(
                accounts.change_password, user.id, form_field(form_data, "current_password"), new_password,
                keep_token=self.session_token, client_ip=self._client_ip(),
            )
        except VigorError as exc:
            if exc.field == "current_password":
                self.current_password_error = exc.message
            elif exc.field == "password":
                self.password_error = exc.message
            else:
                self.form_error = exc.message
            return None
        return rx.toast.success("Password changed. Your other devices were signed out.")
