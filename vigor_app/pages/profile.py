"""Profile: the account and its password (fitness details arrive with onboarding)."""

from __future__ import annotations

import reflex as rx

from vigor_app.components import profile_fields as fields
from vigor_app.components.api_tokens import api_tokens_card
from vigor_app.components.forms import form_error, text_field
from vigor_app.components.layout import new_password_fields, section_card, stacked_form
from vigor_app.components.notifications import notifications_card
from vigor_app.components.shell import NavItem, app_page, page_header
from vigor_app.components.your_data import your_data_card
from vigor_app.state.api_tokens import ApiTokensState
from vigor_app.state.fitness_profile import FitnessProfileState
from vigor_app.state.gym_kit import GymKitState as Kit
from vigor_app.state.notifications import NotificationsState
from vigor_app.state.profile import AccountState


def _row(label: str, value) -> rx.Component:
    return rx.hstack(rx.text(label, color_scheme="gray", min_width="110px"), rx.text(value, weight="medium"),
                     spacing="3", wrap="wrap")


def _fitness_profile() -> rx.Component:
    return section_card(
        "Fitness profile",
        fields.form_errors(),
        fields.level_field(),
        fields.goals_field(),
        fields.equipment_field(),
        fields.injuries_field(),
        fields.schedule_fields(),
        fields.units_fields(),
        fields.coach_fields(),
        rx.button("Save profile", size="3", on_click=FitnessProfileState.save_all),
        intro="Your plan is built from these answers. Changes apply to the next plan you generate.",
        spacing="5",
    )


def _gym_kit() -> rx.Component:
    return section_card(
        "Bar and plates",
        stacked_form(
            rx.el.label("Bar weight (", Kit.unit, ")", html_for="bar", class_name="vigor-label"),
            rx.input(id="bar", name="bar", default_value=Kit.bar, key=Kit.bar, input_mode="decimal", max_length=12,
                     size="3", width="140px", aria_describedby="bar-error"),
            rx.cond(Kit.bar_error != "", rx.text(Kit.bar_error, id="bar-error", color_scheme="red", size="2",
                                                 role="alert")),
            rx.el.label("Plates you have (", Kit.unit, "), separated by commas", html_for="plates",
                        class_name="vigor-label"),
            rx.input(id="plates", name="plates", default_value=Kit.plates, key=Kit.plates, max_length=120,
                     size="3", width="100%", aria_describedby="plates-error"),
            rx.cond(Kit.plates_error != "", rx.text(Kit.plates_error, id="plates-error", color_scheme="red",
                                                    size="2", role="alert")),
            rx.button("Save bar and plates", type="submit", size="3"),
            on_submit=Kit.save,
            spacing="2",
            max_width="480px",
        ),
        intro="The plate calculator on the log page loads the bar with these. Clear both for the usual kit.",
    )


@app_page("/profile", "Profile", on_load=[FitnessProfileState.load, Kit.load, ApiTokensState.load,
                                      NotificationsState.load],
          nav=NavItem("Profile", "user", order=80))
def profile_page() -> rx.Component:
    return rx.vstack(
        page_header("Profile"),
        section_card(
            "Account",
            _row("Username", AccountState.username),
            _row("E-mail", AccountState.email),
            _row("Role", rx.cond(AccountState.is_admin, "Administrator", "Member")),
            rx.link("Membership: your tier, usage and upgrades →", href="/membership", size="2"),
            # Shown only where the browser offers installing (assets/offline.js).
            rx.button(rx.icon("download", size=14), "Install Vigor on this device", variant="soft", size="2",
                      class_name="vigor-install", on_click=rx.call_script("window.vigorInstall && window.vigorInstall()")),
            spacing="2",
        ),
        section_card(
            "Change password",
            form_error(AccountState.form_error),
            stacked_form(
                text_field("Current password", "current_password", type="password",
                           error=AccountState.current_password_error, autocomplete="current-password",
                           max_length=128),
                *new_password_fields("New password", "Confirm new password", AccountState.password_error,
                                     AccountState.confirm_error, name="new_password"),
                rx.button("Change password", type="submit", size="3"),
                on_submit=AccountState.change_password,
                spacing="3",
                max_width="420px",
            ),
            intro="Changing your password signs out your other devices.",
        ),
        _fitness_profile(),
        _gym_kit(),
        notifications_card(),
        api_tokens_card(),
        your_data_card(),
        spacing="4",
        width="100%",
    )
