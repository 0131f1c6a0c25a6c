"""Profile: the account and its password (fitness details arrive with onboarding)."""

from __future__ import annotations

import reflex as rx

from vigor_app.components.forms import form_error, text_field
from vigor_app.components.profile_fields import (
    coach_fields,
    equipment_field,
    form_errors,
    goals_field,
    injuries_field,
    level_field,
    schedule_fields,
    units_fields,
)
from vigor_app.components.shell import NavItem, app_page, page_header
from vigor_app.components.your_data import your_data_card
from vigor_app.state.fitness_profile import FitnessProfileState
from vigor_app.state.profile import AccountState


def _row(label: str, value) -> rx.Component:
    return rx.hstack(rx.text(label, color_scheme="gray", min_width="110px"), rx.text(value, weight="medium"),
                     spacing="3", wrap="wrap")


def _fitness_profile() -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.heading("Fitness profile", size="4", as_="h2"),
            rx.text("Your plan is built from these answers. Changes apply to the next plan you generate.",
                    size="2", color_scheme="gray"),
            form_errors(),
            level_field(),
            goals_field(),
            equipment_field(),
            injuries_field(),
            schedule_fields(),
            units_fields(),
            coach_fields(),
            rx.button("Save profile", size="3", on_click=FitnessProfileState.save_all),
            spacing="5",
            width="100%",
        ),
        size="3",
        width="100%",
    )


@app_page("/profile", "Profile", on_load=[FitnessProfileState.load],
          nav=NavItem("Profile", "user", order=80))
def profile_page() -> rx.Component:
    return rx.vstack(
        page_header("Profile"),
        rx.card(
            rx.vstack(
                rx.heading("Account", size="4", as_="h2"),
                _row("Username", AccountState.username),
                _row("E-mail", AccountState.email),
                _row("Role", rx.cond(AccountState.is_admin, "Administrator", "Member")),
                rx.link("Membership: your tier, usage and upgrades →", href="/membership", size="2"),
                spacing="2",
            ),
            size="3",
            width="100%",
        ),
        rx.card(
            rx.vstack(
                rx.heading("Change password", size="4", as_="h2"),
                rx.text("Changing your password signs out your other devices.", size="2",
                        color_scheme="gray"),
                form_error(AccountState.form_error),
                rx.form(
                    rx.vstack(
                        text_field("Current password", "current_password", type="password",
                                   error=AccountState.current_password_error,
                                   autocomplete="current-password", max_length=128),
                        text_field("New password", "new_password", type="password",
                                   error=AccountState.password_error, autocomplete="new-password",
                                   max_length=128),
                        text_field("Confirm new password", "confirm_password", type="password",
                                   error=AccountState.confirm_error, autocomplete="new-password",
                                   max_length=128),
                        rx.button("Change password", type="submit", size="3"),
                        spacing="3",
                        width="100%",
                        max_width="420px",
                    ),
                    on_submit=AccountState.change_password,
                    reset_on_submit=False,
                    width="100%",
                ),
                spacing="3",
                width="100%",
            ),
            size="3",
            width="100%",
        ),
        _fitness_profile(),
        your_data_card(),
        spacing="4",
        width="100%",
    )
