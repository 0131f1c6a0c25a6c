"""Admin console: the AI configuration exported and imported. Layout only; ConfigTransferState
checks the role."""

from __future__ import annotations

import reflex as rx

from vigor_app.components.admin_ui import admin_page, card, table
from vigor_app.components.forms import labelled_upload
from vigor_app.components.layout import stacked_form
from vigor_app.state.admin_config import UPLOAD_ID, ConfigTransferState

S = ConfigTransferState


def _change_row(c: rx.Var[dict]) -> rx.Component:
    return rx.table.row(rx.table.cell(c["section"]), rx.table.cell(c["item"]), rx.table.cell(c["action"]),
                        rx.table.cell(c["what"]))


def _key_input(name: rx.Var[str], index: rx.Var[int]) -> rx.Component:
    field_id = "key_" + index.to_string()
    return rx.vstack(
        rx.el.label("API key for " + name, html_for=field_id, class_name="vigor-label"),
        rx.input(id=field_id, name=field_id, type="password", auto_complete="off", max_length=1000, size="2",
                 width="100%", disabled=~rx.State.is_hydrated),
        spacing="1", width="100%", align="stretch",
    )


def _export_card() -> rx.Component:
    return card(
        "Export",
        rx.button(rx.icon("download", size=16), "Download configuration", on_click=S.download, size="2",
                  width="fit-content"),
        description="Providers (without their keys), their order, the orders per feature and tier, switches in "
                    "force, running experiments, budgets and tier limits, as one JSON file. Keys never leave "
                    "this instance: the file says only which providers have one.",
    )


def _preview() -> rx.Component:
    return rx.vstack(
        rx.text("What importing ", rx.el.strong(S.file_name), " changes:", size="2"),
        rx.foreach(S.summary, lambda line: rx.text(line, size="2")),
        rx.cond(S.changes.length() > 0,
                table(["Section", "Item", "Change", "What"], S.changes, _change_row, label="Changes"),
                rx.text("Nothing: this instance already has this configuration.", size="2",
                        color_scheme="gray")),
        stacked_form(
            rx.cond(S.needs_key.length() > 0,
                    rx.text("These providers need a key (left empty: saved disabled until you enter it on the "
                            "Providers page).", size="2")),
            rx.foreach(S.needs_key, _key_input),
            rx.hstack(
                rx.button("Apply", type="submit", size="2", color_scheme="amber", disabled=~rx.State.is_hydrated),
                rx.button("Cancel", type="button", size="2", variant="soft", on_click=S.cancel),
                spacing="2",
            ),
            key="apply" + S.form_key.to_string(),
            on_submit=S.apply,
            aria_label="Apply the configuration",
        ),
        spacing="3", width="100%",
    )


def _import_card() -> rx.Component:
    return card(
        "Import",
        labelled_upload(
            "Configuration file",
            rx.vstack(rx.icon("upload", size=18),
                      rx.text("Drop a Vigor AI configuration (JSON) here, or click to choose one", size="2")),
            id=UPLOAD_ID,
            accept={"application/json": [".json"], "text/plain": [".json", ".txt"]},
            max_files=1,
            border=f"1px dashed {rx.color('gray', 7)}",
            padding="16px",
            width="100%",
        ),
        rx.hstack(rx.foreach(rx.selected_files(UPLOAD_ID), lambda f: rx.text(f, size="2"))),
        rx.button("Preview import", on_click=S.handle_upload(rx.upload_files(upload_id=UPLOAD_ID)), size="2",
                  width="fit-content"),
        rx.cond(S.error != "", rx.callout(S.error, icon="triangle_alert", color_scheme="red", role="alert")),
        rx.cond(S.previewed, _preview()),
        description="Importing makes this instance's AI configuration the file's, all at once or not at all: "
                    "providers, orders, switches and running experiments the file lacks are deleted, removed, "
                    "switched back or stopped. You see every change first.",
    )


@admin_page("/admin/config", "Configuration · Admin", "AI configuration",
            "Export this instance's AI configuration, or import one from another instance.", on_load=[S.load])
def admin_config() -> rx.Component:
    return rx.vstack(_export_card(), _import_card(), spacing="4", width="100%")
