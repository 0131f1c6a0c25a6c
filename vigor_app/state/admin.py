"""The admin console's state. Every handler checks on the server that an admin is asking;
the services check the role again themselves."""

from __future__ import annotations

import reflex as rx

from vigor_app.services import admin
from vigor_app.services.auth_sessions import CurrentUser
from vigor_app.services.errors import VigorError
from vigor_app.state.auth import AuthState


def _when(value) -> str:
    return value.strftime("%Y-%m-%d %H:%M UTC") if value else "never"


class AdminState(AuthState):
    users: list[dict[str, str]] = []
    user_count: int = 0
    search: str = ""
    audit_rows: list[dict[str, str]] = []

    def _admin(self) -> CurrentUser | None:
        user = self._current_user()
        if user is None or not user.is_admin:
            self.users, self.audit_rows = [], []
            return None
        return user

    def _refresh(self, actor: CurrentUser) -> None:
        self.users = [
            {"id": str(u.id), "email": u.email, "username": u.username, "role": u.role,
             "status": "active" if u.is_active else "disabled", "joined": _when(u.created_at),
             "last_seen": _when(u.last_seen_at), "is_self": "yes" if u.id == actor.id else ""}
            for u in admin.list_users(actor.id, self.search)
        ]
        self.user_count = admin.count_users(actor.id)
        self.audit_rows = [
            {"id": str(a.id), "when": _when(a.created_at), "actor": a.actor, "action": a.action,
             "target": a.target, "before": a.before, "after": a.after}
            for a in admin.audit_log(actor.id, limit=50)
        ]

    @rx.event
    def load(self):
        user = self._current_user()
        if user is None:
            return self._sign_in_redirect()
        actor = self._admin()
        if actor is not None:
            self._refresh(actor)
        return None

    @rx.event
    def set_search(self, value: str):
        self.search = value[:100]
        actor = self._admin()
        if actor is not None:
            self._refresh(actor)

    def _change(self, action, user_id: str, value, done: str):
        actor = self._admin()
        if actor is None:
            return rx.toast.error("Only administrators can do this.")
        try:
            action(actor.id, int(user_id), value, client_ip=self._client_ip())
        except (TypeError, ValueError):
            return rx.toast.error("That account does not exist.")
        except VigorError as exc:
            return rx.toast.error(exc.message)
        self._refresh(actor)
        return rx.toast.success(done)

    @rx.event
    def set_role(self, user_id: str, role: str):
        return self._change(admin.set_role, user_id, role, f"Role changed to {role}.")

    @rx.event
    def set_active(self, user_id: str, active: bool):
        return self._change(admin.set_active, user_id, bool(active),
                            "Account enabled." if active else "Account disabled; its sessions ended.")
