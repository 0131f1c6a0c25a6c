"""The Profile page's "Your data" card: export, import, delete the account."""

from __future__ import annotations

import reflex as rx

from vigor_app.components.forms import labelled_upload, select_field
from vigor_app.components.layout import section_card, stacked_form
from vigor_app.state.your_data import UPLOAD_ID
from vigor_app.state.your_data import YourDataState as S


def your_data_card() -> rx.Component:
    return section_card(
        "Your data",
        rx.hstack(
            rx.button(rx.icon("download", size=14), "Download everything (JSON)", variant="soft",
                      on_click=S.download_json),
            rx.button(rx.icon("sheet", size=14), "Download workouts (CSV)", variant="soft",
                      on_click=S.download_csv),
            rx.button(rx.icon("thumbs-up", size=14), "Download my feedback (CSV)", variant="soft",
                      on_click=S.download_feedback_csv),
            wrap="wrap",
        ),
        rx.divider(),
        rx.heading("Import from Strong, Hevy or Vigor", size="3", as_="h3"),
        rx.flex(
            select_field("File from", "import-source", [("", "Detect it"), ("strong", "Strong"), ("hevy", "Hevy"),
                                                         ("vigor", "Vigor")],
                         value=S.import_source, on_change=lambda v: S.set_import_option("import_source", v)),
            select_field("Weights in the file", "import-unit", [("", "My units"), ("kg", "Kilograms"),
                                                                ("lb", "Pounds")],
                         value=S.import_unit, on_change=lambda v: S.set_import_option("import_unit", v)),
            spacing="4",
            wrap="wrap",
        ),
        labelled_upload(
            "File to import",
            rx.vstack(rx.icon("upload", size=18),
                      rx.text("Drop a Strong, Hevy or Vigor CSV, or a Vigor JSON export here, or click to "
                              "choose one", size="2")),
            id=UPLOAD_ID,
            accept={"text/csv": [".csv"], "text/plain": [".csv", ".txt"], "application/json": [".json"]},
            max_files=1,
            border=f"1px dashed {rx.color('gray', 7)}",
            padding="16px",
            width="100%",
        ),
        rx.hstack(rx.foreach(rx.selected_files(UPLOAD_ID), lambda f: rx.text(f, size="2"))),
        rx.button("Import workouts", on_click=S.handle_upload(rx.upload_files(upload_id=UPLOAD_ID))),
        rx.cond(S.import_message != "", rx.callout(S.import_message, icon="check", color_scheme="green",
                                                   role="status")),
        rx.cond(S.import_error != "", rx.callout(S.import_error, icon="triangle_alert", color_scheme="red",
                                                 role="alert")),
        rx.divider(),
        rx.heading("Delete my account", size="3", as_="h3"),
        rx.text("This removes your account and everything in it, for good.", size="2", color_scheme="gray"),
        rx.alert_dialog.root(
            rx.alert_dialog.trigger(rx.button("Delete my account…", color_scheme="red", variant="soft")),
            rx.alert_dialog.content(
                rx.alert_dialog.title("Delete your account?"),
                rx.alert_dialog.description("Type your username and password to confirm. This cannot be "
                                            "undone: download your data first if you want to keep it."),
                stacked_form(
                    rx.el.label("Your username", html_for="delete-confirm", class_name="vigor-label"),
                    rx.input(id="delete-confirm", name="confirm", auto_complete="off"),
                    rx.el.label("Your password", html_for="delete-password", class_name="vigor-label"),
                    rx.input(id="delete-password", name="password", type="password",
                             auto_complete="current-password"),
                    rx.cond(S.delete_error != "", rx.text(S.delete_error, color_scheme="red", size="2",
                                                          role="alert")),
                    rx.hstack(
                        rx.alert_dialog.cancel(rx.button("Keep my account", variant="soft",
                                                         color_scheme="gray", type="button")),
                        rx.button("Delete everything", color_scheme="red", type="submit"),
                        justify="end", spacing="3", width="100%",
                    ),
                    on_submit=S.delete_account,
                    spacing="2",
                ),
            ),
        ),
        intro="Everything you log is yours: take it with you, bring it in, or delete it.",
    )
