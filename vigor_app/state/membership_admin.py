"""Admins answer upgrade requests. The services check the role again themselves."""

from __future__ import annotations

import reflex as rx

from vigor_app.services import vocabulary
from vigor_app.services.accounts.sessions import CurrentUser
from vigor_app.services.admin import membership
from vigor_app.services.errors import VigorError
from vigor_app.state.admin import AdminConsoleState
from vigor_app.state.arguments import record_id, text


class UpgradeRequestsState(AdminConsoleState):
    pending: list[dict[str, str]] = []
    error: str = ""
    _reasons: dict[str, str] = {}

    def _clear(self) -> None:
        self.pending, self.error = [], ""

    def _refresh(self, admin_id: int) -> None:
        self.pending = [
            {"id": str(r.id), "username": r.username, "from": vocabulary.TIER_LABELS.get(r.from_tier, r.from_tier),
             "to": vocabulary.TIER_LABELS.get(r.to_tier, r.to_tier), "note": r.note,
             "when": r.created_at.strftime("%Y-%m-%d %H:%M UTC")}
            for r in membership.pending_requests(admin_id)
        ]

    @rx.event
    def load(self):
        self.error = ""
        return self._load_page(lambda actor: self._refresh(actor.id))

    @rx.event
    def set_reason(self, request_id: str, reason: str):
        wanted = record_id(request_id)
        if wanted:
            self._reasons = {**self._reasons, str(wanted): text(reason, 500)}

    def _decide(self, request_id: str, approve: bool):
        def decide(user: CurrentUser) -> None:
            self.error = ""
            wanted = record_id(request_id)
            reason = self._reasons.get(str(wanted), "")
            if not wanted:
                raise VigorError("That request does not exist.")
            if approve:
                membership.approve(user.id, wanted, reason=reason, client_ip=self._client_ip())
            else:
                membership.decline(user.id, wanted, reason=reason, client_ip=self._client_ip())

        decided = self._as_user(decide, error="error")
        if not decided.ok:
            return decided.answer
        self._refresh(decided.user.id)
        return rx.toast.success("Approved: the new tier applies now." if approve else "Request declined.")

    @rx.event
    def approve(self, request_id: str):
        return self._decide(request_id, True)

    @rx.event
    def decline(self, request_id: str):
        return self._decide(request_id, False)
