"""Upgrade requests for admins: approve or decline, with a reason the person sees."""

from __future__ import annotations

import reflex as rx

from vigor_app.components.admin_ui import admin_page
from vigor_app.state.membership_admin import UpgradeRequestsState as S


def _request(r: rx.Var[dict]) -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.text(rx.text.strong(r["username"]), " asks to move from ", r["from"], " to ", r["to"],
                    " (", r["when"], ")"),
            rx.cond(r["note"] != "", rx.text.em("“", r["note"], "”")),
            rx.el.label("Reason for " + r["username"], html_for="reason-" + r["id"], class_name="vigor-label"),
            rx.input(id="reason-" + r["id"], max_length=500, width="100%",
                     on_change=lambda value: S.set_reason(r["id"], value)),
            rx.hstack(
                rx.button("Approve " + r["username"], on_click=S.approve(r["id"])),
                rx.button("Decline " + r["username"], color_scheme="red", variant="soft",
                          on_click=S.decline(r["id"])),
            ),
            spacing="2",
            width="100%",
        ),
        width="100%",
    )


@admin_page("/admin/upgrades", "Upgrade requests · Admin", "Upgrade requests",
            "People asking for a higher tier. Approval applies at once.", on_load=[S.load])
def upgrade_requests_page() -> rx.Component:
    return rx.vstack(
        rx.cond(S.error != "", rx.callout(S.error, icon="triangle_alert", color_scheme="red", role="alert")),
        rx.cond(S.pending.length() == 0, rx.text("No requests waiting.", color_scheme="gray")),
        rx.foreach(S.pending, _request),
        spacing="3",
        width="100%",
        max_width="760px",
    )
