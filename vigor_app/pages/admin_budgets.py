"""Admin console: budgets and tiers. Layout only; the states check the role."""

from __future__ import annotations

import reflex as rx

from vigor_app.components.admin_ui import (
    admin_page,
    card,
    checkbox_field,
    error_text,
    form_alert,
    input_field,
    item_card,
    number,
)
from vigor_app.components.layout import stacked_form
from vigor_app.state.admin_budgets import BudgetsState, TiersState

B = BudgetsState
T = TiersState


def _budget(b: rx.Var[dict]) -> rx.Component:
    has_limit = b["has_limit"] == "yes"
    return item_card(
        b["title"],
        rx.hstack(rx.heading(b["title"], size="4", as_="h2"), rx.badge(b["period"], variant="outline"),
                  rx.cond(b["alerting"] == "yes", rx.badge("past the alert", color_scheme="amber")),
                  align="center", spacing="2", wrap="wrap"),
        rx.cond(
            has_limit,
            rx.vstack(
                rx.hstack(rx.text("Spent ", rx.text.strong(b["spent"]), " of ", b["limit"],
                                  rx.cond(b["reserved"] != "", " (+" + b["reserved"] + " reserved)", ""),
                                  size="2"),
                          rx.spacer(), rx.text(b["percent"], size="2", weight="bold"), width="100%"),
                rx.progress(value=number(b["bar"]), max=100, width="100%", size="3",
                            color_scheme=rx.cond(b["alerting"] == "yes", "amber", "green"),
                            aria_label=b["title"] + " spent"),
                rx.hstack(rx.text("Forecast by ", b["ends"], ": ", rx.text.strong(b["forecast"]), size="2"),
                          rx.spacer(), rx.text(b["forecast_percent"], size="2",
                                               color_scheme=rx.cond(b["over"] == "yes", "red", "gray")),
                          width="100%", wrap="wrap"),
                rx.progress(value=number(b["forecast_bar"]), max=100, width="100%", size="1",
                            color_scheme=rx.cond(b["over"] == "yes", "red", "gray"),
                            aria_label=b["title"] + " forecast"),
                rx.text(b["auto"], size="1", color_scheme="gray"),
                spacing="2",
                width="100%",
            ),
            rx.text("No budget set. Spent so far: ", rx.text.strong(b["spent"]), "; forecast ", b["forecast"],
                    " by ", b["ends"], ".", size="2"),
        ),
    )


def _offpeak_provider_picker() -> rx.Component:
    return rx.vstack(
        rx.el.label("Preferred provider off-peak", html_for="offpeak_provider", class_name="vigor-label"),
        rx.el.select(
            rx.el.option("The cheapest enabled provider", value=""),
            rx.foreach(B.provider_choices, lambda p: rx.el.option(p["name"], value=p["id"])),
            id="offpeak_provider", name="offpeak_provider", default_value=B.values["offpeak_provider"],
            class_name="vigor-select", aria_describedby="offpeak_provider-error",
        ),
        rx.text("A local or cheaper model for the night, say. A disabled choice is skipped.", size="1",
                color_scheme="gray"),
        error_text(B.errors, "offpeak_provider", "offpeak_provider"),
        spacing="1", width="100%", align="stretch",
    )


def _period_budget(period: str, label: str, hint: str) -> rx.Component:
    """The budget of one period (weekly, monthly) and whether reaching it pauses the AI."""
    v, e = B.values, B.errors
    return rx.vstack(
        input_field(label, f"{period}_limit", e, default_value=v[f"{period}_limit"], input_mode="decimal",
                    hint=hint),
        checkbox_field(f"Pause the AI when the {period} budget is reached", f"{period}_auto_disable",
                       default_checked=v[f"{period}_auto_disable"] == "on"),
        spacing="2", width="100%",
    )


def _settings_form() -> rx.Component:
    v, e = B.values, B.errors
    return card(
        "Budget settings",
        stacked_form(
            form_alert(e),
            rx.grid(
                _period_budget("weekly", "Weekly budget ($)", "UTC ISO week. Empty: no weekly budget."),
                _period_budget("monthly", "Monthly budget ($)", "UTC calendar month. Empty: no monthly budget."),
                columns=rx.breakpoints(initial="1", sm="2"),
                spacing="4",
                width="100%",
            ),
            input_field("Alert at (% of a budget)", "alert_percent", e, default_value=v["alert_percent"],
                        input_mode="numeric", width="220px",
                        hint="Admins see a banner and get an e-mail (once per period); cheaper providers "
                             "are tried first."),
            checkbox_field("Pause a person's AI when their tier's monthly budget is used", "user_auto_disable",
                           default_checked=v["user_auto_disable"] == "on"),
            rx.heading("Off-peak window (optional)", size="3", as_="h3"),
            rx.text("Inside this window the preferred provider is tried first, then the cheapest",
                    rx.cond(B.offpeak_provider != "", rx.fragment(" (first now: ", rx.text.strong(B.offpeak_provider),
                                                                  ")"), ""),
                    ". Leave both times empty for none.", size="2", color_scheme="gray"),
            rx.grid(
                input_field("Starts at", "offpeak_start", e, default_value=v["offpeak_start"], type="time"),
                input_field("Ends at", "offpeak_end", e, default_value=v["offpeak_end"], type="time"),
                input_field("Time zone", "offpeak_timezone", e, default_value=v["offpeak_timezone"],
                            max_length=64, hint="e.g. Europe/Berlin"),
                columns=rx.breakpoints(initial="1", sm="3"),
                spacing="3",
                width="100%",
            ),
            _offpeak_provider_picker(),
            rx.button("Save budgets", type="submit", size="2", disabled=~rx.State.is_hydrated),
            key=B.form_key.to_string(),
            on_submit=B.save,
            aria_label="Budget settings",
        ),
    )


@admin_page("/admin/budgets", "Budgets · Admin", "AI budgets",
            "Spend against the global budgets, the forecast at the current rate, and the settings.",
            on_load=[B.load])
def admin_budgets() -> rx.Component:
    return rx.vstack(
        rx.grid(rx.foreach(B.budgets, _budget), columns=rx.breakpoints(initial="1", md="2"), spacing="3",
                width="100%"),
        _settings_form(),
        spacing="4",
        width="100%",
    )


# --- tiers ------------------------------------------------------------------------------------


def _tier_input(t: rx.Var[dict], label: str, name: str, hint: str = "") -> rx.Component:
    field_id = t["tier"] + "-" + name
    key = t["tier"] + "." + name
    children = [
        rx.el.label(label, html_for=field_id, class_name="vigor-label"),
        rx.input(id=field_id, name=field_id, default_value=t[name], size="2", width="100%",
                 input_mode="decimal" if name == "monthly_budget" else "numeric", max_length=20,
                 aria_describedby=field_id + "-error", disabled=~rx.State.is_hydrated),
    ]
    if hint:
        children.append(rx.text(hint, size="1", color_scheme="gray"))
    children.append(rx.cond(T.errors.contains(key),
                            rx.text(T.errors[key], id=field_id + "-error", color_scheme="red", size="2",
                                    role="alert")))
    return rx.vstack(*children, spacing="1", width="100%")


def _tier(t: rx.Var[dict]) -> rx.Component:
    form = stacked_form(
        rx.heading(t["label"], size="4", as_="h2"),
        rx.el.input(type="hidden", name="tier", value=t["tier"]),
        rx.grid(
            _tier_input(t, "Requests a day", "daily"),
            _tier_input(t, "Requests a week", "weekly"),
            _tier_input(t, "Requests a month", "monthly"),
            _tier_input(t, "AI budget a month ($)", "monthly_budget", "Per person."),
            columns=rx.breakpoints(initial="2", sm="4"),
            spacing="3",
            width="100%",
        ),
        rx.button("Save " + t["label"] + " limits", type="submit", size="2",
                  disabled=~rx.State.is_hydrated),
        key=T.form_key.to_string() + t["tier"],
        on_submit=T.save,
        aria_label=t["label"] + " tier",
        spacing="3",
    )
    return rx.card(form, width="100%")


@admin_page("/admin/tiers", "Tiers · Admin", "Tiers",
            "AI requests per day, ISO week and month, and each person's monthly AI budget. Changes apply "
            "to the next request.",
            on_load=[T.load])
def admin_tiers() -> rx.Component:
    return rx.vstack(rx.foreach(T.tiers, _tier), spacing="3", width="100%")
