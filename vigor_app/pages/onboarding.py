"""The onboarding wizard: one question group per step, progress shown, back and next."""

from __future__ import annotations

import reflex as rx

from vigor_app.components import profile_fields as fields
from vigor_app.components.shell import app_page
from vigor_app.state.fitness_profile import FitnessProfileState as S


def _step_body() -> rx.Component:
    return rx.match(
        S.step_key,
        ("fitness_level", fields.level_field()),
        ("goals", fields.goals_field()),
        ("equipment", fields.equipment_field()),
        ("injuries", fields.injuries_field()),
        ("schedule", fields.schedule_fields()),
        ("units", fields.units_fields()),
        rx.fragment(),
    )


@app_page("/onboarding", "Set up your training", on_load=[S.start_onboarding])
def onboarding_page() -> rx.Component:
    return rx.center(
        rx.card(
            rx.vstack(
                rx.text(f"Step {S.step + 1} of {S.step_count}", size="2", color_scheme="gray"),
                rx.progress(value=S.progress, aria_label="Set-up progress", width="100%"),
                rx.heading(S.step_title, size="6", as_="h1"),
                rx.text(S.step_hint, color_scheme="gray"),
                fields.form_errors(),
                _step_body(),
                rx.hstack(
                    rx.button("Back", variant="soft", color_scheme="gray", size="3",
                              on_click=S.previous_step, disabled=S.step == 0),
                    rx.spacer(),
                    rx.button("Skip this step", variant="ghost", size="3", on_click=S.skip_step),
                    rx.button(rx.cond(S.is_last_step, "Finish", "Next"), size="3", on_click=S.next_step),
                    width="100%",
                    align="center",
                    wrap="wrap",
                    spacing="3",
                ),
                rx.link("Skip set-up for now", href="/dashboard", size="2", color_scheme="gray"),
                spacing="4",
                width="100%",
            ),
            size="4",
            width="100%",
            max_width="640px",
        ),
        width="100%",
    )
