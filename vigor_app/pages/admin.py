"""Admin console: accounts and the audit log. Layout only; AdminState checks the role."""

from __future__ import annotations

import reflex as rx

from vigor_app.components.shell import app_page, page_header
from vigor_app.state.admin import AdminState


def _user_row(user: rx.Var[dict]) -> rx.Component:
    is_admin = user["role"] == "admin"
    active = user["status"] == "active"
    actions = rx.cond(
        user["is_self"] == "yes",
        rx.text("you", size="2", color_scheme="gray"),
        rx.hstack(
            rx.button(
                rx.cond(is_admin, "Make member", "Make admin"),
                size="1", variant="soft",
                on_click=AdminState.set_role(user["id"], rx.cond(is_admin, "user", "admin")),
            ),
            rx.button(
                rx.cond(active, "Disable", "Enable"),
                size="1", variant="soft", color_scheme=rx.cond(active, "red", "green"),
                on_click=AdminState.set_active(user["id"], ~active),
            ),
            spacing="2",
        ),
    )
    return rx.table.row(
        rx.table.cell(rx.vstack(rx.text(user["username"], weight="medium"),
                                rx.text(user["email"], size="1", color_scheme="gray"), spacing="0")),
        rx.table.cell(rx.badge(user["role"], color_scheme=rx.cond(is_admin, "orange", "gray"))),
        rx.table.cell(rx.badge(user["status"], color_scheme=rx.cond(active, "green", "red"))),
        rx.table.cell(rx.text(user["joined"], size="2")),
        rx.table.cell(rx.text(user["last_seen"], size="2")),
        rx.table.cell(actions),
    )


def _users() -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.hstack(
                rx.heading("Users", size="4", as_="h2"),
                rx.badge(AdminState.user_count.to_string() + " accounts"),
                align="center",
            ),
            rx.el.label("Search users", html_for="user-search", class_name="vigor-label"),
            rx.input(id="user-search", placeholder="E-mail or username", value=AdminState.search,
                     on_change=AdminState.set_search.debounce(300), max_length=100, width="100%",
                     max_width="360px"),
            rx.box(
                rx.table.root(
                    rx.table.header(rx.table.row(*[rx.table.column_header_cell(h) for h in
                                                   ("Person", "Role", "Status", "Joined", "Last seen", "")])),
                    rx.table.body(rx.foreach(AdminState.users, _user_row)),
                    width="100%",
                ),
                overflow_x="auto",
                width="100%",
            ),
            spacing="3",
            width="100%",
        ),
        size="3",
        width="100%",
    )


def _audit_row(entry: rx.Var[dict]) -> rx.Component:
    return rx.table.row(
        rx.table.cell(rx.text(entry["when"], size="2")),
        rx.table.cell(entry["actor"]),
        rx.table.cell(rx.code(entry["action"])),
        rx.table.cell(entry["target"]),
        rx.table.cell(rx.text(entry["before"], size="1")),
        rx.table.cell(rx.text(entry["after"], size="1")),
    )


def _audit() -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.heading("Audit log", size="4", as_="h2"),
            rx.text("The latest 50 changes to accounts. Entries can never be edited.", size="2",
                    color_scheme="gray"),
            rx.box(
                rx.table.root(
                    rx.table.header(rx.table.row(*[rx.table.column_header_cell(h) for h in
                                                   ("When", "Who", "Action", "Target", "Before", "After")])),
                    rx.table.body(rx.foreach(AdminState.audit_rows, _audit_row)),
                    width="100%",
                ),
                overflow_x="auto",
                width="100%",
            ),
            spacing="3",
            width="100%",
        ),
        size="3",
        width="100%",
    )


@app_page("/admin", "Admin", on_load=[AdminState.load])
def admin_page() -> rx.Component:
    return rx.vstack(
        page_header("Admin console", "Accounts and the audit log."),
        rx.cond(
            AdminState.is_admin,
            rx.vstack(_users(), _audit(), spacing="4", width="100%"),
            rx.callout("This page is for administrators only.", icon="shield-alert", color_scheme="red",
                       role="alert"),
        ),
        width="100%",
    )
