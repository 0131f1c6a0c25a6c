"""The Profile page's API tokens: make one (shown once), see them, revoke one."""

from __future__ import annotations

import reflex as rx

from vigor_app.services.accounts import api_tokens
from vigor_app.services.accounts.sessions import CurrentUser
from vigor_app.state.admin_format import day, when
from vigor_app.state.arguments import form_checked, form_field, record_id, whole
from vigor_app.state.auth import AuthState

NEVER = "never"


def _row(token: api_tokens.TokenView) -> dict[str, str]:
    return {"id": str(token.id), "name": token.name, "shown": token.shown,
            "scopes": ", ".join(api_tokens.SCOPE_LABELS[s].lower() for s in token.scopes),
            "created": day(token.created_at),
            "expires": f"expires {day(token.expires_at)}" if token.expires_at else "never expires",
            "used": when(token.last_used_at) if token.last_used_at else "not used yet"}


class ApiTokensState(AuthState):
    tokens: list[dict[str, str]] = []
    new_token: str = ""  # the whole token, shown once after it is made, until dismissed
    new_token_name: str = ""
    errors: dict[str, str] = {}

    def _refresh(self, user: CurrentUser) -> None:
        self.tokens = [_row(t) for t in api_tokens.tokens(user.id)]

    @rx.event
    def load(self):
        """Opening the page again forgets a token shown before: it is shown once, not kept."""
        self.new_token = self.new_token_name = ""
        self.errors = {}
        self._as_user(self._refresh)

    @rx.event
    def create(self, form_data: dict):
        self.errors = {}
        self.new_token = self.new_token_name = ""
        scopes = ["read"] + [s for s in ("write", "admin") if form_checked(form_data, f"scope_{s}")]
        expiry = form_field(form_data, "expires_in_days")
        # One of the offered choices, or whatever was sent, which the service refuses, saying why.
        days: object = None if expiry in ("", NEVER) else (whole(expiry, 1, 9999) or expiry)

        def make(user: CurrentUser) -> api_tokens.NewToken:
            return api_tokens.create(user.id, form_field(form_data, "token_name"), scopes, days)

        outcome = self._as_user(make, error="errors")
        if outcome.ok and outcome.value is not None and outcome.user is not None:
            self.new_token = outcome.value.token
            self.new_token_name = outcome.value.view.name
            self._refresh(outcome.user)
        return outcome.answer

    @rx.event
    def dismiss_new_token(self):
        self.new_token = self.new_token_name = ""

    @rx.event
    def revoke(self, token_id: str):
        def end(user: CurrentUser) -> None:
            api_tokens.revoke(user.id, record_id(token_id))
            self._refresh(user)

        outcome = self._as_user(end)
        if outcome.ok:
            return rx.toast.success("Token revoked: it stops working at once.")
        return outcome.answer

