"""The dashboard: today's session, streaks, this week, records and the coach's latest word."""

from __future__ import annotations

import reflex as rx

from vigor_app.components.ai_text import ai_blocks
from vigor_app.components.shell import NavItem, app_page, page_header
from vigor_app.state.auth import AuthState
from vigor_app.state.dashboard import DashboardState as D


def _stat(label: str, value, detail="") -> rx.Component:
    return rx.card(
        rx.vstack(rx.text(label, size="2", color_scheme="gray"), rx.text(value, size="7", weight="bold"),
                  rx.text(detail, size="1", color_scheme="gray"), spacing="1"),
        size="2", width="100%",
    )


def _today() -> rx.Component:
    return rx.card(
        rx.cond(
            D.has_plan,
            rx.cond(
                D.week_complete,
                rx.text("Every day of your plan is done this week. Rest, or log something extra."),
                rx.vstack(
                    rx.text(D.today_detail, size="2", color_scheme="gray"),
                    rx.heading(D.today_name, size="5", as_="h2"),
                    rx.foreach(D.today_exercises, lambda e: rx.text(e, size="2")),
                    rx.cond(D.today_done, rx.badge("Done today", color_scheme="green"),
                            rx.button(rx.icon("play", size=16), "Start workout", size="3",
                                      on_click=D.start_today)),
                    spacing="2",
                ),
            ),
            rx.vstack(
                rx.text("No plan yet."),
                rx.link(rx.button("Build my weekly plan", size="3"), href="/workouts"),
            ),
        ),
        size="3", width="100%",
    )


@app_page("/dashboard", "Dashboard", on_load=[D.load],
          nav=NavItem("Dashboard", "layout-dashboard", order=10, tab=True))
def dashboard_page() -> rx.Component:
    return rx.vstack(
        page_header("Dashboard"),
        rx.heading(f"Welcome, {AuthState.username}!", size="5", as_="h2"),
        rx.cond(~D.onboarded, rx.callout(
            rx.text("Tell Vigor about your training so your plan fits you: ",
                    rx.link("set up your profile", href="/onboarding"), "."), icon="info", width="100%")),
        rx.cond(D.open_session != "", rx.callout(
            rx.text("Workout in progress: ", rx.text.strong(D.open_session), ". ",
                    rx.link("Resume it", href="/log"), "."), icon="timer", color_scheme="orange", width="100%")),
        rx.cond(D.error != "", rx.callout(D.error, icon="triangle_alert", color_scheme="red", role="alert")),
        rx.cond(
            D.allowance_percent >= 100,
            rx.callout(rx.text("You have reached an AI limit of your tier: the built-in coach and plan engine "
                               "answer until it resets. ", rx.link("See your membership", href="/membership"),
                               "."), icon="gauge", color_scheme="orange", width="100%"),
            rx.cond(D.allowance_percent >= 80, rx.callout(
                rx.text("Heads-up: you have used ", D.allowance_percent.to_string(), "% of an AI allowance. ",
                        rx.link("See your membership", href="/membership"), "."),
                icon="gauge", width="100%")),
        ),
        _today(),
        rx.grid(
            _stat("Current streak", D.current_streak_text, "Days in a row with a workout"),
            _stat("Longest streak", D.longest_streak_text),
            _stat("This week", D.week_sessions.to_string() + " of " + D.week_target.to_string(), "workouts"),
            _stat("Workouts", D.total_workouts.to_string(), "finished in all"),
            columns=rx.breakpoints(initial="2", md="4"), spacing="3", width="100%",
        ),
        rx.text(D.streak_rule, size="1", color_scheme="gray"),
        rx.card(
            rx.vstack(
                rx.heading("Recent records", size="4", as_="h2"),
                rx.cond(D.records.length() == 0, rx.text("No records yet: they come from beating last time.",
                                                         size="2", color_scheme="gray")),
                rx.foreach(D.records, lambda r: rx.hstack(rx.icon("trophy", size=16), rx.text(r, size="2"))),
                spacing="2",
            ),
            size="3", width="100%",
        ),
        rx.card(
            rx.vstack(
                rx.heading("From your coach", size="4", as_="h2"),
                rx.cond(D.coach_message != "", ai_blocks(D.coach_blocks),
                        rx.text("Nothing yet. ", rx.link("Ask your coach", href="/coach"), " anything about your "
                                "training.", size="2", color_scheme="gray")),
                spacing="2",
            ),
            size="3", width="100%",
        ),
        spacing="4",
        width="100%",
    )
