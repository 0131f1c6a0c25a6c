"""Layout shared by the pages: a titled card for one section of a page, a form whose fields
stand one under the other, and the pair of fields that choose a new password."""

from __future__ import annotations

from typing import Any

import reflex as rx

from vigor_app.components.forms import text_field


def section_card(title: str | rx.Var, *children: rx.Component, intro: str = "",
                 spacing: str = "3") -> rx.Component:
    """A card with its heading (an h2), an optional grey line under it, then the children."""
    head: list[rx.Component] = [rx.heading(title, size="4", as_="h2")]
    if intro:
        head.append(rx.text(intro, size="2", color_scheme="gray"))
    return rx.card(rx.vstack(*head, *children, spacing=spacing, width="100%"), size="3", width="100%")


def stacked_form(*children: rx.Component, on_submit: Any, spacing: str = "4", max_width: str | None = None,
                 **form_props: Any) -> rx.Component:
    """A form of full width, its children one under the other; what the person typed stays
    after a submit (a refused field keeps its value next to its error)."""
    stack_props = {"max_width": max_width} if max_width else {}
    return rx.form(rx.vstack(*children, spacing=spacing, width="100%", **stack_props),
                   on_submit=on_submit, reset_on_submit=False, width="100%", **form_props)


def new_password_fields(label: str, confirm_label: str, error: rx.Var[str], confirm_error: rx.Var[str], *,
                        name: str = "password", hint: str = "") -> list[rx.Component]:
    """A new password and its confirmation (the field ``confirm_password``)."""
    return [
        text_field(label, name, type="password", error=error, autocomplete="new-password", max_length=128,
                   hint=hint),
        text_field(confirm_label, "confirm_password", type="password", error=confirm_error,
                   autocomplete="new-password", max_length=128),
    ]
