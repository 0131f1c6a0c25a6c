"""Form pieces: every control has a visible label tied to it, and its error right below."""

from __future__ import annotations

import reflex as rx


def field_error(message: rx.Var[str], field_id: str) -> rx.Component:
    return rx.cond(
        message != "",
        rx.text(message, id=f"{field_id}-error", color_scheme="red", size="2", role="alert"),
    )


def text_field(
    label: str,
    name: str,
    *,
    error: rx.Var[str] | None = None,
    type: str = "text",
    autocomplete: str = "off",
    hint: str = "",
    required: bool = True,
    default_value: str | rx.Var[str] | None = None,
    max_length: int = 254,
) -> rx.Component:
    """A labelled input. Its id is `name`, so `get_by_label(label)` finds it."""
    children: list[rx.Component] = [
        rx.el.label(label, html_for=name, class_name="vigor-label"),
        rx.input(
            id=name,
            name=name,
            type=type,
            auto_complete=autocomplete,
            required=required,
            max_length=max_length,
            size="3",
            width="100%",
            aria_describedby=f"{name}-error" if error is not None else None,
            # Until the page is live, typing would be lost when it takes over the markup.
            disabled=~rx.State.is_hydrated,
            **({"default_value": default_value} if default_value is not None else {}),
        ),
    ]
    if hint:
        children.append(rx.text(hint, size="1", color_scheme="gray"))
    if error is not None:
        children.append(field_error(error, name))
    return rx.vstack(*children, spacing="1", width="100%", align="stretch")


def select_field(
    label: str,
    field_id: str,
    options: list[tuple[str, str]],
    *,
    name: str | None = None,
    value=None,
    default_value=None,
    on_change=None,
    hint: str = "",
    error: rx.Component | None = None,
    style: dict | None = None,
    width: str | None = None,
    align: str | None = None,
) -> rx.Component:
    """A labelled native select of (value, text) options, its hint and error below. Its id is
    `field_id`, so `get_by_label(label)` finds it; a form submits it as `name`."""
    props = {key: prop for key, prop in (("name", name), ("value", value), ("default_value", default_value),
                                         ("on_change", on_change), ("style", style)) if prop is not None}
    children: list[rx.Component] = [
        rx.el.label(label, html_for=field_id, class_name="vigor-label"),
        rx.el.select(*[rx.el.option(text, value=v) for v, text in options], id=field_id,
                     class_name="vigor-select", **props),
    ]
    if hint:
        children.append(rx.text(hint, size="1", color_scheme="gray"))
    if error is not None:
        children.append(error)
    layout = {key: prop for key, prop in (("width", width), ("align", align)) if prop is not None}
    return rx.vstack(*children, spacing="1", **layout)


def form_error(message: rx.Var[str]) -> rx.Component:
    return rx.cond(
        message != "",
        rx.callout(message, icon="triangle_alert", color_scheme="red", role="alert", width="100%"),
    )


def submit_button(label: str) -> rx.Component:
    return rx.button(label, type="submit", size="3", width="100%", disabled=~rx.State.is_hydrated)


def color_mode_button() -> rx.Component:
    """Light or dark; enabled once the page is live so a click is never lost."""
    return rx.color_mode.button(variant="soft", size="2", aria_label="Switch light or dark mode",
                                disabled=~rx.State.is_hydrated)


def labelled_upload(label: str, *children: rx.Component, **upload_props: object) -> rx.Component:
    """An ``rx.upload`` drop zone whose file input has an accessible name: Reflex creates the
    input itself and takes no props for it, so the label is set on that input here."""
    upload = rx.upload(*children, **upload_props)
    inputs = [child for zone in upload.children for child in zone.children
              if getattr(child, "tag", None) == "input"]
    if len(inputs) != 1:
        raise RuntimeError("rx.upload no longer holds one file input where labelled_upload looks for it")
    inputs[0].custom_attrs["aria-label"] = label
    return upload
