"""Admin console: the overview and the people. Layout only; the states check the role."""

from __future__ import annotations

import reflex as rx

from vigor_app.components.admin_ui import (
    admin_page,
    card,
    dialog,
    empty,
    error_text,
    input_field,
    number,
    select_field,
    stat_grid,
    table,
)
from vigor_app.components.layout import stacked_form
from vigor_app.components.shell import NavItem
from vigor_app.services.vocabulary import TIER_LABELS, TIERS
from vigor_app.state.admin import AdminState

S = AdminState


# --- people ---------------------------------------------------------------------------------


def _user_row(user: rx.Var[dict]) -> rx.Component:
    is_admin = user["role"] == "admin"
    active = user["status"] == "active"
    manage = rx.button("Manage", size="1", variant="outline", on_click=S.open_user(user["id"]),
                       aria_label="Manage " + user["username"])
    actions = rx.cond(
        user["is_self"] == "yes",
        rx.flex(manage, rx.text("you", size="2", color_scheme="gray"), gap="6px", align="center"),
        rx.flex(
            manage,
            rx.button(
                rx.cond(is_admin, "Make member", "Make admin"),
                size="1", variant="soft",
                on_click=S.set_role(user["id"], rx.cond(is_admin, "user", "admin")),
            ),
            rx.button(
                rx.cond(active, "Disable", "Enable"),
                size="1", variant="soft", color_scheme=rx.cond(active, "red", "green"),
                on_click=S.set_active(user["id"], ~active),
            ),
            wrap="wrap",
            gap="6px",
            max_width="190px",
        ),
    )
    small = {"size": "1", "white_space": "nowrap"}
    return rx.table.row(
        rx.table.cell(rx.vstack(rx.text(user["username"], weight="medium"),
                                rx.text(user["email"], size="1", color_scheme="gray"),
                                rx.text("joined ", user["joined"], size="1", color_scheme="gray",
                                        white_space="nowrap"),
                                spacing="0")),
        rx.table.cell(rx.badge(user["role"], color_scheme=rx.cond(is_admin, "orange", "gray"))),
        rx.table.cell(rx.badge(user["status"], color_scheme=rx.cond(active, "green", "red"))),
        rx.table.cell(rx.vstack(rx.badge(user["tier_label"], variant="outline"),
                                rx.cond(user["override"] != "",
                                        rx.text("override", size="1", color_scheme="amber")),
                                spacing="1")),
        rx.table.cell(rx.vstack(rx.text("day ", user["day"], **small), rx.text("week ", user["week"], **small),
                                rx.text("month ", user["month"], **small), spacing="0")),
        rx.table.cell(rx.vstack(rx.text(user["spend"], size="2", white_space="nowrap"),
                                rx.text("of ", user["budget"], size="1", color_scheme="gray",
                                        white_space="nowrap"), spacing="0")),
        rx.table.cell(rx.text(user["last_seen"], size="1")),
        rx.table.cell(actions),
    )


def users_card() -> rx.Component:
    return card(
        "Users",
        rx.vstack(
            rx.el.label("Search users", html_for="user-search", class_name="vigor-label"),
            rx.input(id="user-search", placeholder="E-mail or username", value=S.search,
                     on_change=S.set_search.debounce(300), max_length=100, width="100%",
                     max_width="360px"),
            spacing="1",
            width="100%",
        ),
        table(["Person", "Role", "Status", "Tier", "AI requests", "AI spend this month", "Last seen", ""],
              S.users, _user_row, label="Users", min_width="860px"),
        empty(S.users, "Nobody matches that search."),
        description="AI use is requests against the tier's limits, in each person's time zone.",
        actions=rx.badge(S.user_count.to_string() + rx.cond(S.user_count == 1, " account", " accounts")),
    )


def _override_row(item: rx.Var[dict]) -> rx.Component:
    return rx.table.row(
        rx.table.cell(rx.text(item["limits"], size="2")),
        rx.table.cell(rx.text(item["until"], size="2")),
        rx.table.cell(rx.text(item["reason"], size="2")),
        rx.table.cell(rx.cond(item["active"] == "yes",
                              rx.button("Revoke", size="1", variant="soft", color_scheme="red",
                                        on_click=S.revoke_override(item["id"])),
                              rx.text("ended", size="1", color_scheme="gray"))),
    )


def _usage_meter(item: rx.Var[dict]) -> rx.Component:
    return rx.vstack(
        rx.hstack(rx.text(item["label"], size="2"), rx.spacer(),
                  rx.text(item["used"], " of ", item["limit"], size="2", color_scheme="gray"), width="100%"),
        rx.progress(value=number(item["percent"]), max=100, aria_label=item["label"], width="100%"),
        spacing="1",
        width="100%",
    )


def _override_form() -> rx.Component:
    errors = S.override_errors
    return stacked_form(
        rx.heading("Grant temporary limits", size="3", as_="h3"),
        rx.text("Leave a limit empty to keep the tier's.", size="1", color_scheme="gray"),
        rx.grid(
            input_field("Requests a day", "daily", errors, field_id="override-daily", input_mode="numeric"),
            input_field("Requests a week", "weekly", errors, field_id="override-weekly", input_mode="numeric"),
            input_field("Requests a month", "monthly", errors, field_id="override-monthly",
                        input_mode="numeric"),
            columns=rx.breakpoints(initial="1", sm="3"),
            spacing="3",
            width="100%",
        ),
        input_field("Last day", "expires_at", errors, field_id="override-expires", type="date",
                    hint="The limits apply through the end of this day, in the person's time zone."),
        input_field("Reason", "reason", errors, field_id="override-reason", max_length=200),
        error_text(errors, "form", "override-form"),
        rx.button("Grant limits", type="submit", size="2", disabled=~rx.State.is_hydrated),
        key=S.override_form_key.to_string(),
        on_submit=S.grant_override,
        aria_label="Temporary limits",
        spacing="3",
    )


def manage_dialog() -> rx.Component:
    m = S.manage
    active = m["status"] == "active"
    return dialog(
        rx.vstack(
            rx.dialog.title("Manage ", m["username"]),
            rx.dialog.description(
                m["email"], " · joined ", m["joined"], " · last seen ", m["last_seen"], size="2",
                color_scheme="gray"),
            rx.hstack(rx.badge(m["role"]), rx.badge(m["status"], color_scheme=rx.cond(active, "green", "red")),
                      rx.badge(m["tier_label"], variant="outline"), spacing="2"),
            rx.heading("AI use", size="3", as_="h3"),
            rx.foreach(S.manage_usage, _usage_meter),
            rx.text("AI spend this month: ", m["spend"], " of the tier's ", m["budget"], " budget.", size="2"),
            rx.cond(m["override"] != "",
                    rx.callout("Temporary limits: " + m["override"], icon="info", size="1", width="100%")),
            rx.divider(),
            rx.form(
                rx.hstack(
                    rx.box(select_field("Tier", "tier", [(t, TIER_LABELS[t]) for t in TIERS],
                                        default_value=m["tier"], field_id="manage-tier"),
                           width="200px"),
                    rx.button("Change tier", type="submit", size="2", variant="soft"),
                    align="end",
                    spacing="2",
                    wrap="wrap",
                ),
                key=S.override_form_key.to_string() + m["tier"],
                on_submit=S.change_tier,
                reset_on_submit=False,
                aria_label="Tier",
                width="100%",
            ),
            rx.divider(),
            _override_form(),
            rx.cond(S.overrides.length() > 0,
                    table(["Limits", "Until", "Reason", ""], S.overrides, _override_row,
                          label="Temporary limits granted")),
            rx.divider(),
            rx.hstack(
                rx.button(rx.icon("download", size=16), "Download workout log (CSV)", size="2",
                          variant="soft", on_click=S.download_csv(m["id"])),
                rx.cond(m["is_self"] == "yes", rx.fragment(),
                        rx.button(rx.cond(active, "Disable account", "Enable account"), size="2",
                                  variant="soft", color_scheme=rx.cond(active, "red", "green"),
                                  on_click=S.set_manage_active(~active))),
                rx.spacer(),
                rx.dialog.close(rx.button("Close", size="2", variant="outline")),
                spacing="2",
                wrap="wrap",
                width="100%",
            ),
            spacing="3",
            width="100%",
        ),
        open=S.manage_open,
        on_open_change=S.set_manage_open,
    )


# --- the overview ---------------------------------------------------------------------------


def _audit_row(entry: rx.Var[dict]) -> rx.Component:
    return rx.table.row(
        rx.table.cell(rx.text(entry["when"], size="2", white_space="nowrap")),
        rx.table.cell(entry["actor"]),
        rx.table.cell(rx.text(entry["action"], size="2")),
        rx.table.cell(entry["target"]),
        rx.table.cell(rx.text(entry["before"], size="1", max_width="260px", overflow_wrap="anywhere",
                              white_space="pre-wrap")),
        rx.table.cell(rx.text(entry["after"], size="1", max_width="260px", overflow_wrap="anywhere",
                              white_space="pre-wrap")),
    )


def recent_audit() -> rx.Component:
    return card(
        "Audit log",
        table(["When", "Who", "Action", "Target", "Before", "After"], S.audit_rows, _audit_row,
              label="Latest changes", min_width="820px"),
        description="The latest ten changes by admins (and the system). Entries can never be edited.",
        actions=rx.link("Filter the full log", href="/admin/audit", size="2"),
    )


@admin_page("/admin", "Admin", "Admin console",
            "Run the AI coach and the accounts: providers, budgets, limits, people and the record.",
            on_load=[S.load], nav=NavItem("Admin", "shield", order=100, admin=True))
def admin_overview() -> rx.Component:
    return rx.vstack(
        stat_grid(S.summary),
        users_card(),
        recent_audit(),
        manage_dialog(),
        spacing="4",
        width="100%",
    )


@admin_page("/admin/users", "Users · Admin", "Users",
            "Search people; change their tier, grant temporary limits, disable an account.",
            on_load=[S.load_users])
def admin_users() -> rx.Component:
    return rx.vstack(users_card(), manage_dialog(), spacing="4", width="100%")
