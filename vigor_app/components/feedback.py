"""A member's thumbs under what the coach wrote (a reply, an analysis, a daily note, a plan), and
the short reason a thumbs down asks for. The states hold the vote; these are layout only."""

from __future__ import annotations

from typing import Any

import reflex as rx

from vigor_app.components.forms import field_error


def _thumb(icon: str, label: str, pressed: rx.Var[bool], on_click: Any) -> rx.Component:
    return rx.icon_button(
        rx.icon(icon, size=16),
        aria_label=label,
        aria_pressed=rx.cond(pressed, "true", "false"),
        title=label,
        variant=rx.cond(pressed, "solid", "ghost"),
        color_scheme="gray",
        size="2",  # 32 px: a thumb's tap on a phone
        type="button",
        on_click=on_click,
    )


def thumbs(vote: rx.Var[str], on_up: Any, on_down: Any) -> rx.Component:
    """Thumbs up ("This helped") and down ("This did not help"); the pressed one is the vote,
    pressing it again takes the vote back."""
    return rx.hstack(
        rx.text("Helpful?", size="2", color_scheme="gray"),
        _thumb("thumbs-up", "This helped", vote == "up", on_up),
        _thumb("thumbs-down", "This did not help", vote == "down", on_down),
        role="group",
        aria_label="Your feedback",
        spacing="2",
        align="center",
    )


def reason_form(field_id: str, error: rx.Var[str], on_submit: Any, on_skip: Any, *, limit: int) -> rx.Component:
    """The optional reason after a thumbs down: typed, then sent with its button (the service
    refuses one over `limit` characters, and the error shows under the field)."""
    return rx.form(
        rx.vstack(
            rx.el.label("What did not help? (optional)", html_for=field_id, class_name="vigor-label"),
            rx.input(id=field_id, name="reason", size="2", width="100%", auto_complete="off",
                     placeholder=f"Up to {limit} characters",
                     aria_describedby=f"{field_id}-error"),
            field_error(error, field_id),
            rx.hstack(
                rx.button("Send reason", type="submit", size="2"),
                rx.button("Skip", type="button", size="2", variant="soft", color_scheme="gray", on_click=on_skip),
                spacing="2",
            ),
            spacing="1",
            width="100%",
            align="stretch",
        ),
        on_submit=on_submit,
        reset_on_submit=False,
        width="100%",
        max_width="420px",
    )
