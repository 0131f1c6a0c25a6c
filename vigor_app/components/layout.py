"""Layout shared by the pages: a titled card for one section of a page, a smaller card for one
item of a list, a form whose fields stand one under the other (with the form's own error above
it), the pair of fields that choose a new password, and the dialog that asks before deleting."""

from __future__ import annotations

from typing import Any

import reflex as rx

from vigor_app.components.forms import form_error, submit_button, text_field


def section_card(title: str | rx.Var, *children: rx.Component, intro: str = "",
                 spacing: str = "3") -> rx.Component:
    """A card with its heading (an h2), an optional grey line under it, then the children."""
    head: list[rx.Component] = [rx.heading(title, size="4", as_="h2")]
    if intro:
        head.append(rx.text(intro, size="2", color_scheme="gray"))
    return rx.card(rx.vstack(*head, *children, spacing=spacing, width="100%"), size="3", width="100%")


def compact_card(*children: rx.Component, spacing: str = "2", **card_props: Any) -> rx.Component:
    """A smaller card of full width (one item of a list), its children one under the other."""
    return rx.card(rx.vstack(*children, spacing=spacing, width="100%"), size="2", width="100%", **card_props)


def listed_item(title: rx.Var, *details: rx.Component, action: rx.Component) -> rx.Component:
    """One item of a list the person manages (a device, a token): its name, a line or two of
    small grey details, and its one action on the right (under it on a narrow phone)."""
    return compact_card(
        rx.hstack(
            rx.vstack(rx.text(title, weight="medium"), *details, spacing="1", min_width="0"),
            rx.spacer(),
            action,
            align="center",
            width="100%",
            wrap="wrap",
        ),
    )


def stacked_form(*children: rx.Component, on_submit: Any, spacing: str = "4", max_width: str | None = None,
                 **form_props: Any) -> rx.Component:
    """A form of full width, its children one under the other; what the person typed stays
    after a submit (a refused field keeps its value next to its error)."""
    stack_props = {"max_width": max_width} if max_width else {}
    return rx.form(rx.vstack(*children, spacing=spacing, width="100%", **stack_props),
                   on_submit=on_submit, reset_on_submit=False, width="100%", **form_props)


def form_with_error(error: rx.Var[str], *fields: rx.Component, submit: str, on_submit: Any) -> list[rx.Component]:
    """The form's own error (when there is one), then the form: its fields and a full-width submit
    button."""
    return [form_error(error), stacked_form(*fields, submit_button(submit), on_submit=on_submit)]


def new_password_fields(label: str, confirm_label: str, error: rx.Var[str], confirm_error: rx.Var[str], *,
                        name: str = "password", hint: str = "") -> list[rx.Component]:
    """A new password and its confirmation (the field ``confirm_password``)."""
    return [
        text_field(label, name, type="password", error=error, autocomplete="new-password", max_length=128,
                   hint=hint),
        text_field(confirm_label, "confirm_password", type="password", error=confirm_error,
                   autocomplete="new-password", max_length=128),
    ]


def confirm_dialog(trigger: rx.Component, title: str, description: str, confirm: str,
                   on_confirm: Any) -> rx.Component:
    """Asks before a destructive action: the trigger opens it, "Keep it" backs out, and the red
    button named `confirm` does it."""
    return rx.alert_dialog.root(
        rx.alert_dialog.trigger(trigger),
        rx.alert_dialog.content(
            rx.alert_dialog.title(title),
            rx.alert_dialog.description(description),
            rx.hstack(
                rx.alert_dialog.cancel(rx.button("Keep it", variant="soft", color_scheme="gray")),
                rx.alert_dialog.action(rx.button(confirm, color_scheme="red", on_click=on_confirm)),
                justify="end", spacing="3",
            ),
        ),
    )
