"""Admin console: AI providers. Layout only; ProvidersState checks the role."""

from __future__ import annotations

import reflex as rx

from vigor_app.components.admin_ui import (
    DIALOG_WIDTH,
    admin_page,
    checkbox_field,
    dialog,
    form_alert,
    input_field,
    item_card,
    select_field,
)
from vigor_app.components.layout import stacked_form
from vigor_app.services.ai.providers import AZURE_OPENAI, KIND_LABELS, KINDS
from vigor_app.state.admin_providers import ProvidersState

S = ProvidersState


def _figure(label: str, value: rx.Var) -> rx.Component:
    return rx.vstack(rx.text(label, size="1", color_scheme="gray"), rx.text(value, size="3", weight="medium"),
                     spacing="0", min_width="110px")


def _actions(p: rx.Var[dict]) -> rx.Component:
    enabled = p["enabled"] == "yes"
    return rx.flex(
        rx.button(rx.icon("plug-zap", size=14), "Test connection", size="1", variant="soft",
                  on_click=S.test_connection(p["id"]), loading=p["testing"] == "yes"),
        rx.button(rx.icon("pencil", size=14), "Edit", size="1", variant="soft", on_click=S.edit_provider(p["id"])),
        rx.button(rx.cond(enabled, "Disable", "Enable"), size="1", variant="soft",
                  color_scheme=rx.cond(enabled, "gray", "green"), on_click=S.set_enabled(p["id"], ~enabled)),
        rx.button(rx.icon("arrow-up", size=14), "Move up", size="1", variant="soft",
                  disabled=p["first"] == "yes", on_click=S.move(p["id"], "up")),
        rx.button(rx.icon("arrow-down", size=14), "Move down", size="1", variant="soft",
                  disabled=p["last"] == "yes", on_click=S.move(p["id"], "down")),
        rx.cond(p["circuit_ok"] == "yes", rx.fragment(),
                rx.button("Close circuit", size="1", variant="soft", color_scheme="amber",
                          on_click=S.reset_circuit(p["id"]))),
        rx.button(rx.icon("trash-2", size=14), "Delete", size="1", variant="soft", color_scheme="red",
                  on_click=S.ask_delete(p["id"], p["name"])),
        wrap="wrap",
        gap="6px",
    )


def _provider(p: rx.Var[dict]) -> rx.Component:
    builtin = p["builtin"] == "yes"
    enabled = p["enabled"] == "yes"
    return item_card(
        p["name"],
        rx.hstack(
            rx.badge(p["place"], variant="solid", radius="full", size="2"),
            rx.heading(p["name"], size="4", as_="h2"),
            rx.badge(p["status"], color_scheme=rx.cond(enabled, "green", "gray")),
            rx.cond(builtin, rx.fragment(),
                    rx.badge(p["circuit"], color_scheme=rx.cond(p["circuit_ok"] == "yes", "green", "red"),
                             variant="outline")),
            align="center",
            spacing="2",
            wrap="wrap",
        ),
        rx.text(p["kind"], " · ", p["model"],
                rx.cond(p["base_url"] != "", " · " + p["base_url"], ""), size="2", color_scheme="gray",
                overflow_wrap="anywhere"),
        rx.cond(builtin,
                rx.text("Always on and always last: answers whenever no provider can.", size="2"),
                rx.text("API key: ", rx.code(p["key"]), " · ", p["prices"], size="2")),
        rx.flex(
            _figure(rx.cond(builtin, "Answers, 24 h", "Requests, 24 h"), p["requests"]),
            rx.cond(builtin, rx.fragment(), _figure("Error rate, 24 h", p["error_rate"])),
            rx.cond(builtin, rx.fragment(), _figure("Median latency, 24 h", p["latency"])),
            rx.cond(builtin, rx.fragment(), _figure("Spend this month", p["spend"])),
            wrap="wrap",
            gap="16px",
        ),
        rx.cond(p["test"] != "",
                rx.cond(p["test_ok"] == "yes",  # icons named here, not by a Var (vigor_app/bundle.py)
                        rx.callout(p["test"], icon="circle-check", color_scheme="green", size="1", role="status",
                                   width="100%"),
                        rx.callout(p["test"], icon="circle-x", color_scheme="red", size="1", role="status",
                                   width="100%"))),
        rx.cond(builtin, rx.fragment(), _actions(p)),
    )


def _form() -> rx.Component:
    v, e = S.form_values, S.form_errors
    return stacked_form(
        form_alert(e),
        input_field("Name", "name", e, default_value=v["name"], field_id="provider-name", max_length=64),
        select_field("Kind", "kind", [(k, KIND_LABELS[k]) for k in KINDS], errors=e,
                     default_value=v["kind"], field_id="provider-kind", on_change=S.set_form_kind),
        input_field("Base URL", "base_url", e, default_value=v["base_url"], field_id="provider-base-url",
                    placeholder="https://…/v1",
                    hint="Required for an OpenAI-compatible server or Azure; the others have a default."),
        input_field(rx.cond(S.form_kind == AZURE_OPENAI, "Deployment", "Model"), "model", e,
                    default_value=v["model"], field_id="provider-model", max_length=120),
        rx.cond(S.form_kind == AZURE_OPENAI,
                input_field("Azure API version", "api_version", e, default_value=v["api_version"],
                            field_id="provider-api-version", max_length=32, placeholder="2024-10-21")),
        input_field("API key", "api_key", e, field_id="provider-api-key", type="password",
                    autocomplete="new-password", max_length=1000,
                    hint=rx.cond(v["api_key_hint"] != "",
                                 "Stored: " + v["api_key_hint"] + ". Leave empty to keep it.",
                                 "Write-only: once saved, only its last four characters are shown.")),
        rx.cond(v["api_key_hint"] != "",
                checkbox_field("Remove the stored key", "remove_key", field_id="provider-remove-key")),
        rx.grid(
            input_field("Input price ($ per million tokens)", "input_price", e, default_value=v["input_price"],
                        field_id="provider-input-price", input_mode="decimal",
                        error_name="input_price"),
            input_field("Output price ($ per million tokens)", "output_price", e,
                        default_value=v["output_price"], field_id="provider-output-price",
                        input_mode="decimal"),
            input_field("Timeout (seconds)", "timeout_seconds", e, default_value=v["timeout_seconds"],
                        field_id="provider-timeout", input_mode="decimal"),
            input_field("Most output tokens", "max_output_tokens", e, default_value=v["max_output_tokens"],
                        field_id="provider-max-tokens", input_mode="numeric"),
            input_field("Daily cap ($, optional)", "daily_cap", e, default_value=v["daily_cap"],
                        field_id="provider-daily-cap", input_mode="decimal",
                        hint="Empty: no cap."),
            columns=rx.breakpoints(initial="1", sm="2"),
            spacing="3",
            width="100%",
        ),
        checkbox_field("Enabled", "enabled", default_checked=v["enabled"] == "on", field_id="provider-enabled"),
        checkbox_field("Structured output (JSON schema) for plans", "structured_output",
                       default_checked=v["structured_output"] == "on", field_id="provider-structured",
                       hint="Turn off for servers that do not support response_format json_schema."),
        rx.hstack(
            rx.dialog.close(rx.button("Cancel", type="button", variant="outline", size="2")),
            rx.button("Save provider", type="submit", size="2", disabled=~rx.State.is_hydrated),
            justify="end",
            width="100%",
            spacing="2",
        ),
        key=S.form_key.to_string(),
        on_submit=S.save_provider,
        aria_label="Provider",
        spacing="3",
    )


def _form_dialog() -> rx.Component:
    return dialog(
        rx.dialog.title(S.form_title),
        rx.dialog.description("Providers are tried in order; the built-in coach always answers last.",
                              size="2", color_scheme="gray", margin_bottom="12px"),
        _form(),
        open=S.form_open,
        on_open_change=S.set_form_open,
    )


def _delete_dialog() -> rx.Component:
    return rx.alert_dialog.root(
        rx.alert_dialog.content(
            rx.alert_dialog.title("Delete ", S.delete_name, "?"),
            rx.alert_dialog.description(
                "The gateway stops using it at once. Its past requests and costs stay in the analytics.",
                size="2"),
            rx.hstack(
                rx.alert_dialog.cancel(rx.button("Cancel", variant="outline", size="2")),
                rx.alert_dialog.action(rx.button("Delete provider", color_scheme="red", size="2",
                                                 on_click=S.confirm_delete)),
                justify="end",
                spacing="2",
                margin_top="16px",
            ),
            max_width=DIALOG_WIDTH,
        ),
        open=S.delete_open,
        on_open_change=S.set_delete_open,
    )


@admin_page("/admin/providers", "Providers · Admin", "AI providers",
            "In the order the gateway tries them; figures for the last 24 hours and this month (UTC).",
            on_load=[S.load])
def admin_providers() -> rx.Component:
    return rx.vstack(
        rx.hstack(
            rx.button(rx.icon("plus", size=16), "Add provider", on_click=S.new_provider, size="2"),
            rx.button(rx.icon("refresh-cw", size=16), "Refresh", on_click=S.load, size="2", variant="soft"),
            spacing="2",
        ),
        rx.el.ol(
            rx.foreach(S.providers, lambda p: rx.el.li(_provider(p))),
            aria_label="Providers in the order they are tried",
            style={"list_style": "none", "padding": "0", "margin": "0", "display": "flex",
                   "flex_direction": "column", "gap": "12px", "width": "100%"},
        ),
        _form_dialog(),
        _delete_dialog(),
        spacing="4",
        width="100%",
    )
