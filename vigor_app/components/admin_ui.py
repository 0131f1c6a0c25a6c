"""The admin console's frame and pieces: the page template with its sub-navigation and the
budget banner, labelled form controls that show their error below, figures and cards."""

from __future__ import annotations

from collections.abc import Callable

import reflex as rx

from vigor_app.components import forms
from vigor_app.components.shell import NavItem, app_page, page_header
from vigor_app.state.admin import AdminConsoleState
from vigor_app.state.auth import AuthState

# The app's global `.vigor-select` rule does not reach a dialog (rendered in a portal): inline.
SELECT_STYLE = {
    "font_size": "var(--font-size-2)", "padding": "6px 8px", "border_radius": "var(--radius-2)",
    "border": "1px solid var(--gray-7)", "background": "var(--color-surface)", "color": "inherit",
    "width": "100%", "max_width": "100%", "min_width": "0",
}
DIALOG_WIDTH = "min(640px, calc(100vw - 24px))"

SECTIONS = [
    ("Overview", "/admin", "layout-grid"),
    ("Users", "/admin/users", "users"),
    ("Providers", "/admin/providers", "server"),
    ("Routing", "/admin/routing", "route"),  # pages/admin_routing.py
    ("Configuration", "/admin/config", "file-json"),  # pages/admin_config.py
    ("Budgets", "/admin/budgets", "wallet"),
    ("Tiers", "/admin/tiers", "layers"),
    ("Upgrade requests", "/admin/upgrades", "circle-arrow-up"),  # pages/membership_admin.py
    ("Usage", "/admin/usage", "chart-column"),
    ("Audit log", "/admin/audit", "scroll-text"),
    ("System", "/admin/system", "activity"),
]


def _section_link(label: str, href: str, icon: str) -> rx.Component:
    path = AuthState.router.url.path
    active = (path == href) | (path == href + "/")
    return rx.link(
        rx.hstack(rx.icon(icon, size=15), rx.text(label, size="2", weight="medium"), spacing="1",
                  align="center"),
        href=href,
        underline="none",
        padding_x="10px",
        padding_y="6px",
        border_radius="999px",
        color=rx.cond(active, rx.color("accent", 11), rx.color("gray", 12)),
        background=rx.cond(active, rx.color("accent", 4), rx.color("gray", 3)),
        _hover={"background": rx.color("accent", 3)},
        aria_current=rx.cond(active, "page", "false"),
        white_space="nowrap",
    )


def sub_navigation() -> rx.Component:
    return rx.el.nav(
        rx.flex(*[_section_link(*s) for s in SECTIONS], wrap="wrap", gap="6px"),
        aria_label="Admin sections",
        width="100%",
    )


def budget_banner() -> rx.Component:
    return rx.foreach(
        AdminConsoleState.budget_banner,
        lambda line: rx.callout(
            rx.text(line, " ", rx.link("See the budgets", href="/admin/budgets", weight="medium")),
            icon="triangle_alert", color_scheme="amber", role="alert", width="100%",
        ),
    )


def denied() -> rx.Component:
    return rx.callout("This page is for administrators only.", icon="shield-alert", color_scheme="red",
                      role="alert")


def admin_page(route: str, title: str, heading: str, subtitle: str, *,
               on_load: list | None = None, nav: NavItem | None = None) -> Callable:
    """An admin page: the app shell, sign-in on load, then (for admins only) the section
    navigation, the budget banner and the page."""

    def decorator(render: Callable[[], rx.Component]) -> Callable[[], rx.Component]:
        def admin_layout() -> rx.Component:
            return rx.vstack(
                page_header(heading, subtitle),
                rx.cond(
                    AuthState.is_admin,
                    rx.vstack(sub_navigation(), budget_banner(), render(), spacing="4", width="100%"),
                    denied(),
                ),
                width="100%",
                spacing="0",
            )

        # The page's own module and name (app_page compiles each page's parts into its module).
        admin_layout.__module__ = render.__module__
        admin_layout.__qualname__ = render.__qualname__
        return app_page(route, title, on_load=on_load, nav=nav)(admin_layout)

    return decorator


# --- cards and figures ------------------------------------------------------------------


def number(value: rx.Var) -> rx.Var:
    """A figure kept as text in state, as a number for a component that needs one (JS `* 1`)."""
    return value.to(int) * 1


def card(title: str, *children: rx.Component, description: str | rx.Component = "",
         actions: rx.Component | None = None) -> rx.Component:
    head = rx.hstack(rx.heading(title, size="4", as_="h2"), rx.spacer(), actions or rx.fragment(),
                     align="center", width="100%", wrap="wrap", spacing="2")
    parts: list[rx.Component] = [head]
    if isinstance(description, str) and description:
        parts.append(rx.text(description, size="2", color_scheme="gray"))
    elif not isinstance(description, str):
        parts.append(description)
    parts.extend(children)
    return rx.card(rx.vstack(*parts, spacing="3", width="100%"), size=rx.breakpoints(initial="2", md="3"),
                   width="100%")


def item_card(label: str | rx.Var, *children: rx.Component) -> rx.Component:
    """One item of a list (a provider, a budget): a section named `label` holding a card."""
    return rx.el.section(rx.card(rx.vstack(*children, spacing="3", width="100%"), width="100%"),
                         aria_label=label, width="100%")


def dialog(*children: rx.Component, open: rx.Var[bool], on_open_change: Callable) -> rx.Component:
    """A dialog that state opens and closes, as wide as the screen allows up to 640px."""
    return rx.dialog.root(rx.dialog.content(*children, width="100%", max_width=DIALOG_WIDTH), open=open,
                          on_open_change=on_open_change)


def stat(item: rx.Var[dict]) -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.text(item["label"], size="2", color_scheme="gray"),
            rx.text(item["value"], size="6", weight="bold"),
            rx.text(item["note"], size="1", color_scheme="gray"),
            spacing="1",
        ),
        width="100%",
    )


def stat_grid(items: rx.Var[list[dict[str, str]]]) -> rx.Component:
    return rx.grid(rx.foreach(items, stat), columns=rx.breakpoints(initial="2", md="4"), spacing="3",
                   width="100%")


def _column_header(header: str) -> rx.Component:
    """A column's header cell; the unnamed column (the row's buttons) is named "Actions" for
    screen readers only, so no header cell is empty."""
    if not header:
        return rx.table.column_header_cell(rx.el.span("Actions", class_name="sr-only"))
    return rx.table.column_header_cell(header, white_space="nowrap")


def _labelled_cells(render_row: Callable, headers: list[str]) -> Callable:
    """`render_row` with each cell carrying its column's name (``data-label``), which a phone
    shows beside the value once the table's rows become cards (assets/layout.css)."""
    def render(item: rx.Var) -> rx.Component:
        row = render_row(item)
        if len(row.children) != len(headers):
            raise ValueError(f"a row of the table has {len(row.children)} cells for {len(headers)} columns")
        for cell, header in zip(row.children, headers, strict=True):
            cell.custom_attrs["data-label"] = header
        return row
    return render


def table(headers: list[str], rows: rx.Var, render_row: Callable, *, label: str,
          min_width: str = "0") -> rx.Component:
    """A table: on a wide screen it scrolls sideways rather than squeezing its columns (the
    scrolling box is a named region that takes keyboard focus, so arrow keys can scroll it); on
    a phone each row is a card, each value under its column's name, its buttons in reach."""
    return rx.box(
        rx.table.root(
            # The caption names the table for assistive technology (Radix puts aria-label on a div).
            rx.el.caption(label, class_name="sr-only"),
            rx.table.header(rx.table.row(*[_column_header(h) for h in headers])),
            rx.table.body(rx.foreach(rows, _labelled_cells(render_row, headers))),
            width="100%",
            min_width=min_width,
            size="2",
            class_name="vigor-cards",
        ),
        overflow_x="auto",
        width="100%",
        tab_index=0,
        role="region",
        aria_label=label,
        # A wide table scrolls inside its box; it must not widen the page around it.
        style={"contain": "inline-size"},
    )


def empty(rows: rx.Var, message: str) -> rx.Component:
    return rx.cond(rows.length() == 0, rx.text(message, size="2", color_scheme="gray"))


# --- form controls: a visible label tied to each, its error right below ------------------


def error_text(errors: rx.Var[dict], name: str, field_id: str) -> rx.Component:
    return rx.cond(
        errors.contains(name),
        rx.text(errors[name], id=f"{field_id}-error", color_scheme="red", size="2", role="alert"),
    )


def input_field(label: str | rx.Var, name: str, errors: rx.Var[dict], *, default_value=None,
                field_id: str = "", type: str = "text", hint: str | rx.Var = "", input_mode: str | None = None,
                placeholder: str = "", autocomplete: str = "off", max_length: int = 500,
                error_name: str = "", width: str = "100%") -> rx.Component:
    field_id = field_id or name
    error_name = error_name or name
    extra = {}
    if default_value is not None:
        extra["default_value"] = default_value
    if input_mode:
        extra["input_mode"] = input_mode
    children: list[rx.Component] = [
        rx.el.label(label, html_for=field_id, class_name="vigor-label"),
        rx.input(id=field_id, name=name, type=type, auto_complete=autocomplete, placeholder=placeholder,
                 max_length=max_length, size="2", width="100%",
                 aria_describedby=f"{field_id}-error", aria_invalid=errors.contains(error_name),
                 disabled=~rx.State.is_hydrated, **extra),
    ]
    if not isinstance(hint, str) or hint:
        children.append(rx.text(hint, size="1", color_scheme="gray"))
    children.append(error_text(errors, error_name, field_id))
    return rx.vstack(*children, spacing="1", width=width, align="stretch")


def select_field(label: str, name: str, options: list[tuple[str, str]], *, errors: rx.Var[dict] | None = None,
                 default_value=None, value=None, on_change=None, field_id: str = "",
                 hint: str = "") -> rx.Component:
    """The form kit's select, submitted as `name`, styled inline for dialogs, its error by name."""
    field_id = field_id or name
    return forms.select_field(label, field_id, options, name=name, value=value, default_value=default_value,
                              on_change=on_change, hint=hint, style=SELECT_STYLE, width="100%", align="stretch",
                              error=error_text(errors, name, field_id) if errors is not None else None)


def checkbox_field(label: str, name: str, *, default_checked=None, field_id: str = "",
                   hint: str = "") -> rx.Component:
    field_id = field_id or name
    box = rx.el.input(type="checkbox", id=field_id, name=name, default_checked=default_checked,
                      style={"width": "18px", "height": "18px", "accent_color": "var(--accent-9)"})
    children: list[rx.Component] = [
        rx.hstack(box, rx.el.label(label, html_for=field_id, class_name="vigor-label"), spacing="2",
                  align="center"),
    ]
    if hint:
        children.append(rx.text(hint, size="1", color_scheme="gray", padding_left="26px"))
    return rx.vstack(*children, spacing="1", width="100%")


def form_alert(errors: rx.Var[dict]) -> rx.Component:
    return rx.cond(errors.contains("form"),
                   rx.callout(errors["form"], icon="triangle_alert", color_scheme="red", role="alert",
                              width="100%"))


def progress(label: rx.Var[str] | str, value: rx.Var, *, color: str | rx.Var = "accent") -> rx.Component:
    return rx.progress(value=value, max=100, color_scheme=color, aria_label=label, width="100%", size="3")
