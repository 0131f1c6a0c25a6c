"""Dashboard, Coach and Progress: the sections every signed-in person has.

Their features arrive in their own issues; until then each page says so plainly.
"""

from __future__ import annotations

import reflex as rx

from vigor_app.components.shell import app_page, not_built_yet, page_header
from vigor_app.state.auth import AuthState


def _next_step(icon: str, title: str, text: str, href: str) -> rx.Component:
    return rx.link(
        rx.card(
            rx.hstack(
                rx.icon(icon, size=22, color=rx.color("accent", 9)),
                rx.vstack(rx.text(title, weight="bold"), rx.text(text, size="2", color_scheme="gray"),
                          spacing="1"),
                align="start",
                spacing="3",
            ),
            size="2",
            width="100%",
        ),
        href=href,
        underline="none",
        color="inherit",
    )


@app_page("/dashboard", "Dashboard")
def dashboard_page() -> rx.Component:
    return rx.vstack(
        page_header("Dashboard"),
        rx.heading(f"Welcome, {AuthState.username}!", size="5", as_="h2"),
        rx.text("Your account is ready. Here is what each part of Vigor will hold:", color_scheme="gray"),
        rx.grid(
            _next_step("dumbbell", "Workouts", "Your weekly plan and session logging.", "/workouts"),
            _next_step("trending-up", "Progress", "Streaks, records and charts.", "/progress"),
            _next_step("message-circle", "Coach", "Questions answered from your own data.", "/coach"),
            _next_step("user", "Profile", "Your account and password.", "/profile"),
            columns=rx.breakpoints(initial="1", sm="2"),
            spacing="3",
            width="100%",
        ),
        not_built_yet("Today's session, streaks and records",
                      "Once plans and logging arrive, this page shows today's planned session, your "
                      "streak and this week against your target."),
        spacing="4",
        width="100%",
    )


@app_page("/coach", "Coach")
def coach_page() -> rx.Component:
    return rx.vstack(
        page_header("Coach", "Ask about your training; answers come from your own log."),
        not_built_yet("The AI coach", "You will chat with a coach that knows your plan, log and records."),
        width="100%",
    )


@app_page("/progress", "Progress")
def progress_page() -> rx.Component:
    return rx.vstack(
        page_header("Progress", "Streaks, personal records and charts."),
        not_built_yet("Progress tracking",
                      "Once you log workouts, your streaks, records and charts appear here."),
        width="100%",
    )
